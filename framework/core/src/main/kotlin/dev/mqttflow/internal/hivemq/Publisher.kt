package dev.mqttflow.internal.hivemq

import com.hivemq.client.mqtt.exceptions.ConnectionClosedException
import com.hivemq.client.mqtt.exceptions.ConnectionFailedException
import com.hivemq.client.mqtt.exceptions.MqttClientStateException
import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3DisconnectException
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.errors.PublishException
import dev.mqttflow.internal.forLog
import dev.mqttflow.internal.outbox.DurableOutbox
import dev.mqttflow.internal.outbox.WaitingPublishes
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import org.slf4j.LoggerFactory
import kotlin.time.Duration.Companion.milliseconds

/** Whether publishes can go out now ([UP]), must wait ([DOWN]) or never will ([CLOSED]). */
internal enum class Link { UP, DOWN, CLOSED }

/**
 * Outgoing publishes of one connection. A publish made while the link is down waits for it
 * (bounded by [WaitingPublishes]); one cut off mid-flight by a disconnect is sent again (so a
 * QoS 1/2 message may arrive twice). Only [Link.CLOSED] — the run ending — fails a waiting publish.
 * With [MqttFlowConfig.outboxFile], QoS 1/2 publishes are stored before they are sent
 * ([publish] returns, and so the handler that made it finishes, only after the row is committed)
 * and removed once acknowledged.
 */
internal class Publisher(config: MqttFlowConfig, private val send: suspend (Publish) -> Unit) {
    private val log = LoggerFactory.getLogger("mqttflow.outbox")
    private val waiting = WaitingPublishes(config.outboxMessages, config.outboxBytes)
    private val durable = config.outboxFile?.let(::DurableOutbox)
    private val outboxFile = config.outboxFile

    /** Set by the connection on every connect, loss and close. */
    val link = MutableStateFlow(Link.DOWN)

    suspend fun publish(publish: Publish) {
        if (link.value == Link.CLOSED) throw PublishException(publish.topic, "the connection is closed; not sent")
        val id = if (publish.qos > 0) durable?.store(publish) else null
        sendWhenUp(publish)
        if (id != null) durable?.remove(id)
    }

    /** Sends what an earlier run left in the durable outbox, oldest first; call right after the first connect. */
    suspend fun resendStored() {
        val store = durable ?: return
        val left = store.pending()
        if (left.isEmpty()) return
        log.info("sending {} publish(es) that an earlier run left in the outbox {}", left.size, outboxFile)
        for ((id, publish) in left) {
            try {
                sendWhenUp(publish)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                // Refused by the broker (a topic it no longer allows, say): retrying will not help.
                log.warn(
                    "a stored publish to '{}' failed and is dropped from the outbox: {}",
                    publish.topic.forLog(),
                    e.message,
                )
            }
            store.remove(id)
        }
    }

    /** The connection is back. */
    fun up() {
        link.value = Link.UP
        waiting.reconnected()
    }

    fun down() {
        link.compareAndSet(Link.UP, Link.DOWN)
    }

    /** The run is ending: waiting publishes fail (stored ones stay stored for the next run). */
    fun close() {
        link.value = Link.CLOSED
        durable?.close()
    }

    private suspend fun sendWhenUp(publish: Publish) {
        var counted = false
        try {
            while (true) {
                if (link.value != Link.UP) {
                    counted = counted || count(publish)
                    awaitUp(publish)
                }
                if (trySend(publish)) return
            }
        } finally {
            if (counted) waiting.remove(publish.payload.size)
        }
    }

    /** Counts [publish] among those waiting for the connection; fails when the outbox is full. */
    private fun count(publish: Publish): Boolean {
        if (!waiting.tryAdd(publish.payload.size)) {
            throw PublishException(publish.topic, "the outbox is full while disconnected; not sent")
        }
        return true
    }

    private suspend fun awaitUp(publish: Publish) {
        if (link.first { it != Link.DOWN } == Link.CLOSED) {
            throw PublishException(publish.topic, "the connection was closed before it could be sent")
        }
    }

    /** False when a disconnect cut it off (then it is sent again once the link is up). */
    private suspend fun trySend(publish: Publish): Boolean = try {
        send(publish)
        true
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        if (!isDisconnect(e) || link.value == Link.CLOSED) throw e
        // The client saw the loss before our listener did: give the listener a moment to say so.
        delay(RETRY_PAUSE)
        false
    }

    private companion object {
        val RETRY_PAUSE = 50.milliseconds

        fun isDisconnect(e: Throwable): Boolean = generateSequence(e) { it.cause }.any {
            it is MqttClientStateException || it is MqttSessionExpiredException ||
                it is ConnectionClosedException || it is ConnectionFailedException ||
                it is Mqtt5DisconnectException || it is Mqtt3DisconnectException
        }
    }
}
