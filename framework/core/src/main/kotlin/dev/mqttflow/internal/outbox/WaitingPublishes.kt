package dev.mqttflow.internal.outbox

import org.slf4j.LoggerFactory

/**
 * The publishes waiting for the connection while it is down, counted against
 * [maxMessages] and [maxBytes]. A publish that does not fit is refused; the first refusal of an
 * outage is logged at once, the count when the connection is back ([reconnected]).
 */
internal class WaitingPublishes(private val maxMessages: Int, private val maxBytes: Long) {
    private val log = LoggerFactory.getLogger("mqttflow.outbox")
    private var messages = 0
    private var bytes = 0L
    private var refused = 0

    /** Takes a place for a publish of [size] payload bytes; false when the outbox is full. */
    @Synchronized
    fun tryAdd(size: Int): Boolean {
        if (messages + 1 > maxMessages || bytes + size > maxBytes) {
            if (refused++ == 0) {
                log.warn(
                    "outbox full ({} publishes, {} bytes waiting for the connection; limits {} and {}): " +
                        "further publishes fail until the connection is back",
                    messages,
                    bytes,
                    maxMessages,
                    maxBytes,
                )
            }
            return false
        }
        messages++
        bytes += size
        return true
    }

    /** Gives back the place taken by [tryAdd]. */
    @Synchronized
    fun remove(size: Int) {
        messages--
        bytes -= size
    }

    /** The connection is back: logs how many publishes the full outbox refused during the outage. */
    @Synchronized
    fun reconnected() {
        if (refused > 0) log.warn("the outbox was full while disconnected: {} publish(es) failed", refused)
        refused = 0
    }
}
