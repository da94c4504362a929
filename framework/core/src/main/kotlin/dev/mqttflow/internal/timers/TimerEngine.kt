package dev.mqttflow.internal.timers

import dev.mqttflow.automation.AutomationStore
import dev.mqttflow.automation.StoredTimer
import dev.mqttflow.automation.Timer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.internal.TimerWork
import dev.mqttflow.internal.Work
import dev.mqttflow.monitoring.PendingTimer
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.serialization.json.Json
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlin.time.Clock
import kotlin.time.Instant

/**
 * The durable timers of one worker: the only place that arms, fires, cancels and restores them.
 *
 * Every call runs on the worker's serial dispatcher (handlers, timer bodies, and the waits this
 * engine launches in the worker's [scope]): only they change the [armed] map; it is concurrent so
 * that the status page can read it ([pendingTimers]) from elsewhere. A row is written to the
 * [store] before `arm` returns and deleted after the body returned; the in-memory [armed] map only
 * mirrors the rows for `pending`, the status, and telling current firings from superseded ones.
 */
internal class TimerEngine(
    private val owner: String,
    declared: List<Timer<*>>,
    private val store: AutomationStore,
    private val clock: Clock,
    private val scope: CoroutineScope,
    private val enqueue: suspend (Work) -> Boolean,
) : AbstractCoroutineContextElement(Key) {
    private val log = LoggerFactory.getLogger("mqttflow.timers")
    private val timers: Map<String, Timer<*>> = declared.associateBy { it.name }

    private class Armed(val deadline: Instant, val argument: String, val generation: Long, val wait: Job)

    private val armed = ConcurrentHashMap<Pair<String, String>, Armed>()
    private var generations = 0L

    init {
        val twice = declared.groupBy { it.name }.filterValues { it.size > 1 }.keys
        require(twice.isEmpty()) { "worker '$owner' declares timer(s) ${twice.joinToString { "'$it'" }} twice" }
    }

    fun now(): Instant = clock.now()

    suspend fun <T> arm(timer: Timer<T>, key: String, deadline: Instant, argument: T) {
        val json = JSON.encodeToString(timer.serializer, argument)
        store.saveTimer(StoredTimer(owner, timer.name, key, deadline, json))
        schedule(timer.name, key, deadline, json)
    }

    suspend fun cancel(timer: Timer<*>, key: String): Boolean {
        val was = armed.remove(timer.name to key)
        was?.wait?.cancel()
        store.deleteTimer(owner, timer.name, key)
        return was != null
    }

    fun pending(timer: Timer<*>, key: String): Instant? = armed[timer.name to key]?.deadline

    fun pendingKeys(timer: Timer<*>): Map<String, Instant> = armed.entries
        .filter { it.key.first == timer.name }
        .sortedBy { it.value.deadline }
        .associate { it.key.second to it.value.deadline }

    /** How many keys are armed now, over all timers of this worker. */
    val pendingCount: Int get() = armed.size

    /** Every armed key of this worker, for the status; safe to call from any thread. */
    fun pendingTimers(): List<PendingTimer> = armed.entries.map { (id, entry) ->
        PendingTimer(owner, id.first, id.second, entry.deadline)
    }

    private fun schedule(timer: String, key: String, deadline: Instant, argument: String) {
        armed.remove(timer to key)?.wait?.cancel()
        val generation = ++generations
        val wait = scope.launch(CoroutineName("$owner-timer-$timer")) {
            delay(deadline - clock.now())
            enqueue(TimerWork(this@TimerEngine, timer, key, generation))
        }
        armed[timer to key] = Armed(deadline, argument, generation, wait)
    }

    /**
     * Runs the body of [work] on [context] if the firing is still current; deletes its row after
     * the body returned or threw (then rethrows for the worker to log), unless the body armed the
     * same key again. A cancelled body (the worker stopping) leaves the row: it fires again after
     * the next start.
     */
    @Suppress("ThrowsCount") // rethrows what the body threw, after its row is settled, on each path
    suspend fun fire(work: TimerWork, context: ConsumerContext) {
        if (work.engine !== this) return // queued for an older instance of this worker; restored here
        val id = work.timer to work.key
        val entry = armed[id]?.takeIf { it.generation == work.generation } ?: return
        val timer = timers.getValue(work.timer)
        armed.remove(id)
        try {
            invoke(timer, context, entry.argument)
        } catch (e: CancellationException) {
            if (!currentCoroutineContext().isActiveJob()) throw e
            forget(id)
            throw e
        } catch (e: Exception) {
            forget(id)
            throw e
        }
        forget(id)
    }

    private suspend fun forget(id: Pair<String, String>) {
        if (!armed.containsKey(id)) store.deleteTimer(owner, id.first, id.second)
    }

    private suspend fun <T> invoke(timer: Timer<T>, context: ConsumerContext, argument: String) {
        val value = JSON.decodeFromString(timer.serializer, argument)
        timer.body(context, value)
    }

    /**
     * Loads this worker's stored timers and schedules them: a timer no longer declared is dropped,
     * a deadline already past follows the timer's misfire policy (one log line per timer name).
     */
    suspend fun restore() {
        val rows = store.timers(owner)
        if (rows.isEmpty()) return
        val now = clock.now()
        val undeclared = rows.filter { it.timer !in timers }
        for ((name, dropped) in undeclared.groupBy { it.timer }) {
            dropped.forEach { store.deleteTimer(owner, it.timer, it.key) }
            log.warn(
                "worker '{}': dropped {} stored firing(s) of timer '{}', which it no longer declares (keys: {})",
                owner,
                dropped.size,
                name,
                dropped.joinToString { it.key },
            )
        }
        val missed = ArrayList<StoredTimer>()
        var late = 0
        for (row in rows - undeclared.toSet()) {
            val timer = timers.getValue(row.timer)
            val by = now - row.deadline
            if (by.isPositive() && !timer.misfire.firesWhenLate(by)) {
                missed += row
                continue
            }
            if (by.isPositive()) late++
            schedule(row.timer, row.key, row.deadline, row.argument)
        }
        for ((name, skipped) in missed.groupBy { it.timer }) {
            skipped.forEach { store.deleteTimer(owner, it.timer, it.key) }
            log.warn(
                "worker '{}': skipped {} firing(s) of timer '{}' missed while stopped (misfire policy {})",
                owner,
                skipped.size,
                name,
                timers.getValue(name).misfire,
            )
        }
        log.info(
            "worker '{}': restored {} timer(s){}",
            owner,
            rows.size - undeclared.size - missed.size,
            if (late > 0) "; $late missed their deadline while stopped and fire now" else "",
        )
    }

    companion object Key : CoroutineContext.Key<TimerEngine> {
        private val JSON = Json

        /** The engine of the worker running the caller, if it declares [timer]; else a clear error. */
        suspend fun current(timer: Timer<*>): TimerEngine = of(currentCoroutineContext(), timer)

        /** The engine in [context] (a worker's), if it declares [timer]; else a clear error. */
        fun of(context: CoroutineContext, timer: Timer<*>): TimerEngine {
            val engine = context[Key]
                ?: error("timer '${timer.name}' used outside a handler: call it from a handler or timer body")
            check(engine.timers[timer.name] === timer) {
                "timer '${timer.name}' is not declared on worker '${engine.owner}': declare it in that consumer"
            }
            return engine
        }

        /** The worker running the caller and its store, for stored values; [what] names the caller in the error. */
        suspend fun owner(what: String): Pair<String, AutomationStore> {
            val engine = currentCoroutineContext()[Key]
                ?: error("$what used outside a handler: call it from a handler or timer body")
            return engine.owner to engine.store
        }

        private fun CoroutineContext.isActiveJob(): Boolean = this[Job]?.isActive ?: true
    }
}
