package dev.mqttflow.internal

import dev.mqttflow.connection.InboundMessage
import java.util.concurrent.atomic.AtomicInteger

/** One inbound message on its way to [pending] workers; acknowledged when the last one is done. */
internal class Delivery(val inbound: InboundMessage, pending: Int) {
    private val remaining = AtomicInteger(pending)

    val message get() = inbound.message

    fun done() {
        if (remaining.decrementAndGet() == 0) inbound.ack()
    }
}
