package dev.mqttflow.samples.lights

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration

/**
 * One timer per key that fires after [quiet] without a [restart]. Timers run in the scope given to
 * [restart] (a worker's), so they die with it and follow its clock: virtual time in tests.
 */
class QuietTimers(private val quiet: Duration) {
    private val timers = ConcurrentHashMap<String, Job>()

    /** (Re)starts [key]'s timer; [onQuiet] runs if nothing restarts it within [quiet]. */
    fun restart(scope: CoroutineScope, key: String, onQuiet: suspend () -> Unit) {
        val timer = scope.launch(start = CoroutineStart.LAZY) {
            delay(quiet)
            timers.remove(key, coroutineContext.job)
            onQuiet()
        }
        timers.put(key, timer)?.cancel()
        timer.start()
    }

    /** Keys whose timer is running. */
    val pending: Set<String> get() = timers.keys.toSet()
}
