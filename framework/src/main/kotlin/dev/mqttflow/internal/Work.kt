package dev.mqttflow.internal

import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.worker.WorkerFailure
import java.util.concurrent.atomic.AtomicInteger

/** What waits in a worker's inbox: handled one at a time, in arrival order. */
internal sealed interface Work

/** One inbound message on its way to [pending] workers; acknowledged when the last one is done. */
internal class Delivery(val inbound: InboundMessage, pending: Int) : Work {
    private val remaining = AtomicInteger(pending)

    val message get() = inbound.message

    fun done() {
        if (remaining.decrementAndGet() == 0) inbound.ack()
    }
}

/** A channel-layer message for the worker's channel. */
internal class LayerWork(val message: LayerMessage) : Work

/** A failure of a worker this one spawned. */
internal class FailureWork(val failure: WorkerFailure) : Work
