package dev.mqttflow.internal

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.InboundMessage
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import org.slf4j.LoggerFactory
import kotlin.time.Clock
import kotlin.time.Duration.Companion.seconds

/**
 * The one router of a runtime: takes every inbound message off the connection, in arrival order,
 * and hands it to the workers whose subscriptions match.
 *
 * **The gate.** Routing is held closed until the consumers are ready ([open]): after the first
 * CONNACK until every master's `onConnect` returned, after a reconnect until the subscriptions are
 * restored. While it is closed the router collects nothing, so messages wait unacknowledged (in the
 * client, and past its window at the broker) instead of being acknowledged as unrouted.
 *
 * A message that matches no worker once the gate is open is acknowledged at once, with a
 * rate-limited log line: a WARN with a persistent session (a consumer no longer subscribes to
 * something the session holds), DEBUG otherwise.
 */
internal class Router(
    private val connection: BrokerConnection,
    clock: Clock,
    persistentSession: Boolean,
    private val monitor: dev.mqttflow.monitoring.FlowMonitor? = null,
    /** The instance group ([MqttFlowConfig.group]); null: plain subscriptions. */
    group: String? = null,
) {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")
    private val gate = MutableStateFlow(false)
    private val retained = RetainedTracker<Worker>()
    private val unrouted = UnroutedLog(clock, persistentSession)
    private val matched = dev.mqttflow.routing.MatchSet<Worker>()

    /** QoS 1/2 messages routed to workers and not acknowledged yet. */
    val unacknowledged = java.util.concurrent.atomic.AtomicInteger()

    /** Who holds which filter. */
    val subscriptions = SubscriptionTable<Worker>(connection, group) { filter -> retained.anyMatching(filter) }

    /** Whether messages are routed now. */
    val isOpen: Boolean get() = gate.value

    /** Routes what waits, and from now on everything as it comes. */
    fun open() {
        gate.value = true
    }

    /** Holds every message from now on, unacknowledged, until [open]. */
    fun close() {
        gate.value = false
    }

    /**
     * Collects the connection's messages until it ends. Start it with `CoroutineStart.UNDISPATCHED`
     * before connecting: the collection must be registered before CONNECT.
     */
    suspend fun run() {
        connection.messages().collect { inbound ->
            if (!gate.value) gate.first { it }
            route(inbound)
        }
    }

    /** Runs on the single router coroutine only, which is what makes reusing [matched] safe. */
    private suspend fun route(inbound: InboundMessage) {
        val message = inbound.message
        matched.clear()
        subscriptions.match(message.topic, matched)
        if (matched.isEmpty()) {
            unrouted.record(message.topic.forLog())
            inbound.ack()
            return
        }
        if (message.retain) retained.routed(message.topic)
        matched.removeIf { retained.alreadyHas(it, message) }
        if (matched.isEmpty()) {
            inbound.ack()
            return
        }
        val delivery = Delivery(inbound, matched.size, unacknowledged)
        for (i in 0 until matched.size) {
            val worker = matched[i]
            val hold = delivery.hold()
            // a worker that is stopping takes nothing more: its share counts as done
            if (!worker.offer(hold)) hold.finish() else monitor?.messageReceived(worker.consumer.name, message.qos)
        }
    }

    /** [worker] drops [filter]; a later subscription brings its retained messages again. */
    suspend fun unsubscribe(worker: Worker, filter: String) {
        subscriptions.unsubscribe(worker, filter)
        retained.forget(worker, filter)
    }

    /**
     * The connection is back: without a session, every filter in the table is subscribed again
     * (errors logged, not thrown); then routing resumes.
     */
    suspend fun reconnected(sessionPresent: Boolean) {
        if (!sessionPresent) {
            for ((filter, qos) in subscriptions.snapshot()) {
                try {
                    connection.subscribe(filter, qos)
                } catch (e: Exception) {
                    log.error(
                        "could not restore the subscription to '{}' after reconnecting: {}",
                        filter.forLog(),
                        e.message,
                        e,
                    )
                }
            }
        }
        open()
    }

    /** [worker] is gone: drops what the router remembered of it and releases its subscriptions. */
    suspend fun release(worker: Worker): List<Exception> {
        retained.drop(worker)
        return subscriptions.releaseAll(worker)
    }
}

/** Logs messages that matched no worker: the first at once, then one summary line per interval. */
internal class UnroutedLog(private val clock: Clock, private val persistentSession: Boolean) {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")
    private var windowStart: kotlin.time.Instant? = null
    private var suppressed = 0
    private var lastTopic = ""

    /** Router coroutine only. */
    fun record(topic: String) {
        if (!enabled()) return
        val now = clock.now()
        val start = windowStart
        if (start != null && now - start < INTERVAL) {
            suppressed++
            lastTopic = topic
            return
        }
        if (suppressed > 0) {
            write(
                "acknowledged {} more message(s) that no worker subscribes to in the last {} (last on '{}')",
                suppressed,
                INTERVAL,
                lastTopic,
            )
        }
        windowStart = now
        suppressed = 0
        write(
            if (persistentSession) {
                "no worker subscribes to '{}'; acknowledging it unhandled (the persistent session still holds " +
                    "a subscription that no consumer makes any more)"
            } else {
                "no worker subscribes to '{}'; acknowledging it unhandled"
            },
            topic,
        )
    }

    private fun enabled() = if (persistentSession) log.isWarnEnabled else log.isDebugEnabled

    private fun write(format: String, vararg args: Any) {
        if (persistentSession) log.warn(format, *args) else log.debug(format, *args)
    }

    private companion object {
        val INTERVAL = 5.seconds
    }
}

/** Whether the broker keeps our session (and its subscriptions and queued messages) across connections. */
internal val MqttFlowConfig.persistentSession: Boolean
    get() = !cleanStart && (version == MqttVersion.MQTT_3_1_1 || sessionExpiry.isPositive())
