package dev.mqttflow.internal

import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.worker.WorkerFailure
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

/** What waits in a worker's inbox: handled one at a time, in arrival order. */
internal sealed interface Work

/**
 * One inbound message routed to [holders] workers. Each of them gets its own [Hold]; the message
 * is acknowledged exactly once, when the last hold is [Hold.finish]ed. A hold that is
 * [Hold.abandon]ed (full shutdown) leaves the message unacknowledged for the broker to deliver
 * again; nothing else ever acknowledges it.
 */
internal class Delivery(
    private val inbound: InboundMessage,
    holders: Int,
    /** Counts QoS 1/2 deliveries not settled yet, for [dev.mqttflow.monitoring.FlowStatus.unacknowledged]. */
    private val unsettled: AtomicInteger? = null,
) {
    private val remaining = AtomicInteger(holders)
    private val abandoned = AtomicBoolean(false)
    private val counted = unsettled != null && inbound.message.qos > 0

    init {
        if (counted) unsettled?.incrementAndGet()
    }

    val message get() = inbound.message

    /** One [Hold] per holder; call exactly [holders] times. */
    fun hold(): Hold = Hold(this)

    private fun release(finished: Boolean) {
        if (!finished) abandoned.set(true)
        if (remaining.decrementAndGet() != 0) return
        if (!abandoned.get()) inbound.ack()
        if (counted) unsettled?.decrementAndGet()
    }

    /**
     * One worker's share of a [Delivery]: the only handle through which its fate is decided, once.
     * It moves (unsettled) from a stopping worker to its successor; whoever holds it last settles it.
     */
    class Hold internal constructor(val delivery: Delivery) : Work {
        private val settled = AtomicBoolean(false)

        val message get() = delivery.message

        /** This holder is done with it (handled, failed, or dropped on purpose): acknowledged when all are. */
        fun finish() {
            if (settled.compareAndSet(false, true)) delivery.release(finished = true)
        }

        /** Leave it unacknowledged: the run is ending and the broker delivers it again (persistent session). */
        fun abandon() {
            if (settled.compareAndSet(false, true)) delivery.release(finished = false)
        }

        val isSettled: Boolean get() = settled.get()
    }
}

/** A channel-layer message for the worker's channel. */
internal class LayerWork(val message: LayerMessage) : Work

/** A failure of a worker this one spawned. */
internal class FailureWork(val failure: WorkerFailure) : Work

/** What becomes of the deliveries a stopping worker still holds (queued, or in hand when cancelled). */
internal enum class Leftovers {
    /** Acknowledged unhandled, with a log line saying how many: the worker was killed or stopped by policy. */
    ACK,

    /** Handed, in order, to the successor (a restart, a `--watch` swap); acknowledged if there is none. */
    CARRY,

    /** Left unacknowledged: the whole run stops and the connection closes; a persistent session redelivers. */
    ABANDON,
}

/** Settles the deliveries in [left] of worker [name] (acknowledges or abandons them), with one log line. */
internal fun settleLeftovers(name: String, left: List<Work>, mode: Leftovers, log: org.slf4j.Logger) {
    val holds = left.filterIsInstance<Delivery.Hold>()
    if (holds.isEmpty()) return
    if (mode == Leftovers.ABANDON) {
        holds.forEach { it.abandon() }
        log.info(
            "worker '{}': {} queued message(s) left unacknowledged (a persistent session delivers them again)",
            name,
            holds.size,
        )
    } else {
        holds.forEach { it.finish() }
        log.warn("worker '{}': acknowledged {} queued message(s) unhandled", name, holds.size)
    }
}
