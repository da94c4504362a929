package dev.mqttflow.internal.hivemq

import dev.mqttflow.connection.InboundMessage
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.receiveAsFlow
import org.slf4j.LoggerFactory
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

/**
 * The messages received and not yet routed. The HiveMQ client is asked for everything at once
 * (so its own QoS 0 queue of 65,535 messages, which drops the oldest with one WARN line each,
 * never fills); the bound is here instead:
 * - QoS 0 messages are kept up to [maxQos0Messages] and [maxQos0Bytes] of payload; past that a
 *   new one is dropped and counted, and [reportDrops] logs one summary line per interval;
 * - QoS 1/2 messages are always kept: the broker sends no more than its window of
 *   unacknowledged ones (and nothing is acknowledged before it was handled).
 */
internal class InboundBuffer(private val maxQos0Messages: Int, private val maxQos0Bytes: Long) {
    private val log = LoggerFactory.getLogger("mqttflow.connection")
    private val channel = Channel<InboundMessage>(Channel.UNLIMITED)
    private val qos0Messages = AtomicInteger()
    private val qos0Bytes = AtomicLong()
    private val dropped = AtomicLong()
    private val droppedTopics = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()

    /** From the client's thread: keeps [inbound], or drops it (QoS 0 over the bounds). */
    fun offer(inbound: InboundMessage) {
        val message = inbound.message
        if (message.qos == 0) {
            val size = message.payload.size.toLong()
            if (qos0Messages.get() >= maxQos0Messages || qos0Bytes.get() + size > maxQos0Bytes) {
                dropped.incrementAndGet()
                if (droppedTopics.size < SHOWN_TOPICS) droppedTopics += message.topic
                return
            }
            qos0Messages.incrementAndGet()
            qos0Bytes.addAndGet(size)
        }
        channel.trySend(inbound)
    }

    /** The client's stream ended: with [cause], the collector fails with it. */
    fun end(cause: Throwable?) {
        channel.close(cause)
    }

    /** The kept messages, in arrival order; collected once. */
    fun flow(): Flow<InboundMessage> = channel.receiveAsFlow().onEach { inbound ->
        if (inbound.message.qos == 0) {
            qos0Messages.decrementAndGet()
            qos0Bytes.addAndGet(-inbound.message.payload.size.toLong())
        }
    }

    /** Logs the QoS 0 drops since the last call, as one line; [interval] is how long that was ("5 s"). */
    fun reportDrops(interval: String) {
        val n = dropped.getAndSet(0)
        if (n == 0L) return
        val topics = droppedTopics.toList()
        droppedTopics.clear()
        log.warn(
            "dropped {} QoS 0 messages on {} in the last {}: consumer too slow (buffer limits {} messages, {} bytes)",
            n,
            topics.joinToString(", ") + if (topics.size >= SHOWN_TOPICS) " …" else "",
            interval,
            maxQos0Messages,
            maxQos0Bytes,
        )
    }

    /** At shutdown: discards what was never routed and says how many, and of which kind. */
    fun discard() {
        var qos0 = 0
        var acked = 0
        while (true) {
            val inbound = channel.tryReceive().getOrNull() ?: break
            if (inbound.message.qos == 0) qos0++ else acked++
        }
        channel.close()
        if (qos0 + acked > 0) {
            log.warn(
                "discarded {} received message(s) at shutdown that no worker had taken: {} QoS 0 (gone), " +
                    "{} QoS 1/2 (not acknowledged: with a persistent session the broker sends them again)",
                qos0 + acked,
                qos0,
                acked,
            )
        }
    }

    private companion object {
        const val SHOWN_TOPICS = 3
    }
}
