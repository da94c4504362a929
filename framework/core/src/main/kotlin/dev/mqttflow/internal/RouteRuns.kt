package dev.mqttflow.internal

import dev.mqttflow.dsl.RouteMode
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.Logger
import kotlin.time.Duration

/**
 * The runs of a worker's [RouteMode.Restart], [RouteMode.Single] and [RouteMode.Parallel] routes:
 * each run is a coroutine of the worker, on its serial dispatcher (so runs interleave with each
 * other and with the loop only where they suspend), that handles one delivery and settles its hold
 * in the worker's one `finally` ([Worker.handleDelivery]) — unless the route acknowledges at the
 * start of a run (the default), when the hold is finished right here and that settle does nothing.
 * A dropped delivery is finished here too.
 *
 * Everything but [await] and [cancel] runs on the worker's serial dispatcher: the maps need no lock.
 */
internal class RouteRuns(private val worker: Worker, parent: Job, private val log: Logger) {
    /** The parent of every run, so that stopping can wait for them and then cancel them. */
    private val job = SupervisorJob(parent)
    private val keyed = HashMap<Pair<Int, Any?>, Job>()
    private val parallel = HashMap<Int, Int>()
    private val dropped = HashMap<Int, Int>()

    /** Starts a run for [hold] on [route], cancelling the one it supersedes, or drops [hold] as the mode says. */
    fun dispatch(hold: Delivery.Hold, route: ModalRoute) {
        val slot = route.index to route.key
        when (val mode = route.mode) {
            is RouteMode.Restart -> {
                keyed.remove(slot)?.cancel() // its run ends as cancelled: its message counts as handled
                keyed[slot] = start(hold, route, slot)
            }

            is RouteMode.Single ->
                if (keyed[slot]?.isActive == true) drop(hold, route) else keyed[slot] = start(hold, route, slot)

            is RouteMode.Parallel -> {
                val active = parallel[route.index] ?: 0
                if (active >= mode.max) {
                    drop(hold, route)
                } else {
                    parallel[route.index] = active + 1
                    start(hold, route, null)
                }
            }

            RouteMode.Queued -> error("a Queued route runs in the worker's loop")
        }
    }

    private fun start(hold: Delivery.Hold, route: ModalRoute, slot: Pair<Int, Any?>?): Job {
        val mdc = WorkerMdc(worker.name, worker.consumer.name)
        val run = worker.launch(job + mdc, start = CoroutineStart.LAZY) {
            try {
                worker.handleDelivery(hold, mdc)?.let { worker.host.carryOut(worker, it) }
            } finally {
                ended(route, slot, coroutineContext.job)
            }
        }
        run.start() // dispatched: it runs when the loop next suspends
        if (!route.ackAfterRun) hold.finish() // acknowledged now; the run's own settle is then a no-op
        return run
    }

    private fun ended(route: ModalRoute, slot: Pair<Int, Any?>?, run: Job) {
        if (slot != null) {
            if (keyed[slot] === run) keyed.remove(slot)
        } else {
            parallel[route.index] = (parallel[route.index] ?: 1) - 1
        }
        val count = dropped.remove(route.index) ?: return
        log.warn(
            "worker '{}': route '{}' ({}) dropped {} message(s) that arrived while it was running " +
                "(acknowledged unhandled)",
            worker.name,
            route.pattern.forLog(),
            route.mode,
            count,
        )
    }

    private fun drop(hold: Delivery.Hold, route: ModalRoute) {
        dropped[route.index] = (dropped[route.index] ?: 0) + 1
        hold.finish()
    }

    /** Waits up to [timeout] for the runs going to end; true if all did. */
    suspend fun await(timeout: Duration): Boolean =
        withTimeoutOrNull(timeout) { job.children.forEach { it.join() } } != null

    /** Cancels the runs still going and waits up to [margin] for them; true if all ended. */
    suspend fun cancel(margin: Duration): Boolean {
        val going = job.children.count { it.isActive }
        if (going > 0) {
            log.warn(
                "worker '{}': stopping cancels {} route run(s) still going; a run acknowledged when it " +
                    "started (the default, not ackAfterRun) is not delivered again",
                worker.name,
                going,
            )
        }
        job.cancel()
        return withTimeoutOrNull(margin) { job.join() } != null
    }
}
