package dev.mqttflow.internal.hivemq

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttClientBuilder
import com.hivemq.client.mqtt.exceptions.MqttSessionExpiredException
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientConnectedContext
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.config.Transport
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.errors.MqttFlowException
import dev.mqttflow.errors.PublishException
import dev.mqttflow.errors.SubscribeException
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.receiveAsFlow
import kotlinx.coroutines.launch
import org.slf4j.LoggerFactory
import reactor.util.retry.Retry
import java.util.UUID
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The real [BrokerConnection], over the HiveMQ reactor client (MQTT 5 or 3.1.1).
 *
 * - The global publishes stream (manual acknowledgement) is subscribed to before CONNECT: a
 *   resumed session's queued messages are routed, not dropped by the client.
 * - The first connect is tried [MqttFlowConfig.retries] times with [backoff]; refusals by the
 *   broker (bad credentials, not authorised) are not retried.
 * - After a loss the client reconnects with the same backoff (capped at 30 s), forever unless
 *   [MqttFlowConfig.reconnectRetries] says otherwise; subscriptions are restored by the runtime
 *   (on [ConnectionEvent.Connected] without a session), not by HiveMQ.
 * - Publishes wait while disconnected and go out after the reconnect ([Publisher]).
 */
internal class HiveMqConnection(private val config: MqttFlowConfig) : BrokerConnection {
    private val log = LoggerFactory.getLogger("mqttflow.connection")
    private val registered = CompletableDeferred<Unit>()
    private val events = Channel<ConnectionEvent>(Channel.UNLIMITED)
    private val address = "${config.host}:${config.effectivePort}"

    @Volatile
    private var connectedOnce = false

    @Volatile
    private var closing = false

    private val publisher = Publisher(config) { client.publish(it) }
    private val inbound = InboundBuffer(config.qos0BufferMessages, config.qos0BufferBytes)

    private val client: HiveClient = run {
        val base = MqttClient.builder()
            .identifier(config.clientId ?: "mqttflow-" + UUID.randomUUID().toString().take(CLIENT_ID_SUFFIX))
            .serverHost(config.host)
            .serverPort(config.effectivePort)
            .transportConfig()
            .serverHost(config.host)
            .serverPort(config.effectivePort)
            .socketConnectTimeout(config.connectTimeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)
            .mqttConnectTimeout(config.connectTimeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)
            .apply {
                config.tls?.let { sslConfig(Tls.sslConfig(it)) }
                if (config.transport ==
                    Transport.WEBSOCKETS
                ) {
                    webSocketConfig().serverPath(config.wsPath.trimStart('/')).applyWebSocketConfig()
                }
            }
            .applyTransportConfig()
            .addDisconnectedListener(::onDisconnected)
            .addConnectedListener { context ->
                publisher.up()
                if (connectedOnce) {
                    val sessionPresent = when (context) {
                        is Mqtt5ClientConnectedContext -> context.connAck.isSessionPresent
                        is Mqtt3ClientConnectedContext -> context.connAck.isSessionPresent
                        else -> false
                    }
                    events.trySend(ConnectionEvent.Connected(sessionPresent))
                }
            }
        build(base)
    }

    private fun build(base: MqttClientBuilder): HiveClient = when (config.version) {
        MqttVersion.MQTT_5 -> Mqtt5HiveClient(config, base.useMqttVersion5())
        MqttVersion.MQTT_3_1_1 -> Mqtt3HiveClient(config, base.useMqttVersion3())
    }

    /**
     * HiveMQ ends its global flows with [MqttSessionExpiredException] whenever the session ends
     * (with a clean session that is every connection loss): re-register at once, before the
     * reconnect (which waits at least the first backoff), so no message of the new session is lost.
     * The client is asked for everything; [InboundBuffer] bounds what waits (QoS 0 by count and bytes).
     */
    override fun messages(): Flow<InboundMessage> = flow {
        val subscription = client.publishes()
            .doOnSubscribe { registered.complete(Unit) }
            .retryWhen(Retry.indefinitely().filter { it is MqttSessionExpiredException && !closing })
            .subscribe(inbound::offer, { inbound.end(if (closing) null else it) }, { inbound.end(null) })
        try {
            coroutineScope {
                val reporter = launch {
                    while (true) {
                        delay(DROP_REPORT_INTERVAL)
                        inbound.reportDrops(whole(DROP_REPORT_INTERVAL))
                    }
                }
                emitAll(inbound.flow())
                reporter.cancel()
            }
        } finally {
            subscription.dispose()
            inbound.reportDrops(whole(DROP_REPORT_INTERVAL))
        }
    }

    override fun events(): Flow<ConnectionEvent> = events.receiveAsFlow()

    override suspend fun connect(): ConnectionEvent.Connected {
        registered.await()
        var attempt = 0
        while (true) {
            attempt++
            var connected: ConnectionEvent.Connected? = null
            val failure = try {
                connected = client.connect()
                null
            } catch (e: RefusedException) {
                throw ConnectionException("the broker at $address refused the connection: ${e.reason}", e)
            } catch (e: Exception) {
                e
            }
            if (connected != null) {
                connectedOnce = true
                publisher.up()
                // What an earlier run left in the durable outbox goes out before any consumer starts.
                publisher.resendStored()
                return connected
            }
            if (config.retries != 0 && attempt >= config.retries) {
                throw ConnectionException(
                    "cannot connect to the broker at $address after $attempt attempt(s): ${describe(failure)}",
                    failure,
                )
            }
            val wait = backoff(attempt - 1)
            log.warn(
                "connecting to {} failed ({}); attempt {} in {}",
                address,
                describe(failure),
                attempt + 1,
                whole(wait),
            )
            delay(wait)
        }
    }

    /** One call per failed connection or reconnect attempt: so at most one log line per attempt. */
    private fun onDisconnected(context: MqttClientDisconnectedContext) {
        if (closing) return
        publisher.down()
        if (!connectedOnce) return
        val reconnector = context.reconnector
        reconnector.resubscribeIfSessionExpired(false)
        val attempts = reconnector.attempts
        if (config.reconnectRetries == 0 || attempts < config.reconnectRetries) {
            val wait = backoff(attempts)
            reconnector.reconnect(true).delay(wait.inWholeMilliseconds, TimeUnit.MILLISECONDS)
            if (attempts == 0) {
                events.trySend(ConnectionEvent.Lost(context.cause, final = false))
                log.info("reconnecting to {} in {}", address, whole(wait))
            } else {
                log.warn(
                    "reconnect attempt {} to {} failed ({}); attempt {} in {}",
                    attempts,
                    address,
                    describe(context.cause),
                    attempts + 1,
                    whole(wait),
                )
            }
        } else {
            publisher.close()
            events.trySend(
                ConnectionEvent.Lost(
                    ConnectionException(
                        "lost the broker at $address and could not reconnect after $attempts attempt(s): " +
                            describe(context.cause),
                        context.cause,
                    ),
                    final = true,
                ),
            )
        }
    }

    override suspend fun subscribe(filter: String, qos: Int): Int = wrapped({ reason, cause ->
        SubscribeException(filter, reason, cause)
    }) {
        client.subscribe(filter, qos)
    }

    override suspend fun unsubscribe(filter: String) {
        wrapped({ reason, cause ->
            PublishException(filter, "unsubscribe failed: $reason", cause)
        }) { client.unsubscribe(filter) }
    }

    override suspend fun publish(publish: Publish) {
        wrapped({ reason, cause -> PublishException(publish.topic, reason, cause) }) { publisher.publish(publish) }
    }

    /** HiveMQ's own exceptions (no stack traces, internal types) become mqttflow's, keeping them as cause. */
    private suspend inline fun <T> wrapped(error: (String, Throwable) -> MqttFlowException, block: () -> T): T = try {
        block()
    } catch (e: MqttFlowException) {
        throw e
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        throw error(describe(e), e)
    }

    override suspend fun disconnect() {
        if (closing) return
        closing = true
        publisher.close()
        inbound.discard()
        if (!connectedOnce) return
        try {
            client.disconnect()
        } catch (e: Exception) {
            log.debug("disconnect: {}", describe(e))
        }
    }

    internal companion object {
        private const val CLIENT_ID_SUFFIX = 8
        private val DROP_REPORT_INTERVAL = 5.seconds

        /** 1 s doubling to 30 s, each with ±20 % jitter: the runtime's one backoff. */
        fun backoff(attempt: Int): Duration = dev.mqttflow.internal.backoff(attempt)

        /** A delay as people read it in a log line: `850 ms`, `4 s`. */
        fun whole(d: Duration): String =
            if (d < 1.seconds) "${d.inWholeMilliseconds} ms" else "${(d.inWholeMilliseconds + HALF) / THOUSAND} s"

        private const val HALF = 500
        private const val THOUSAND = 1000

        fun describe(e: Throwable?): String {
            var cause = e
            while (cause?.cause != null && cause.message == null) cause = cause.cause
            return when {
                cause == null -> "unknown cause"
                cause.message.isNullOrBlank() -> cause.javaClass.simpleName
                else -> "${cause.javaClass.simpleName}: ${cause.message}"
            }
        }
    }
}
