package dev.mqttflow.client

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.errors.MqttFlowException
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.routing.Topics
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.CoroutineContext

/**
 * The [MqttFlowClient] over any [BrokerConnection] (the HiveMQ one in production, the kit's
 * in-memory one in tests). One collector drains the connection into [inbox] from before CONNECT;
 * [messages] hands them out and acknowledges each after its collector is done with it — the one
 * place that decides a message's acknowledgement.
 */
internal class RealMqttFlowClient private constructor(
    private val connection: BrokerConnection,
    private val config: MqttFlowConfig,
    context: CoroutineContext,
) : MqttFlowClient {
    private val log = LoggerFactory.getLogger("mqttflow.client")
    private val scope = CoroutineScope(SupervisorJob() + context + CoroutineName("mqttflow-client"))
    private val inbox = Channel<InboundMessage>(config.inboxCapacity)
    private val subscriptions = LinkedHashMap<String, Int>() // guarded by itself
    private val collecting = AtomicBoolean(false)
    private val closed = AtomicBoolean(false)

    private suspend fun open() {
        scope.launch(CoroutineName("mqttflow-client-inbound"), start = CoroutineStart.UNDISPATCHED) {
            try {
                connection.messages().collect { inbox.send(it) }
                inbox.close()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                inbox.close(ConnectionException("the inbound message stream failed: ${e.message}", e))
            }
        }
        try {
            connection.connect()
        } catch (@Suppress("TooGenericExceptionCaught") e: Throwable) { // rethrown after cleaning up
            withContext(NonCancellable) { disconnect() }
            throw e
        }
        scope.launch(CoroutineName("mqttflow-client-events")) { connection.events().collect { onEvent(it) } }
    }

    private suspend fun onEvent(event: ConnectionEvent) {
        when (event) {
            is ConnectionEvent.Lost -> if (event.final) {
                inbox.close(event.cause ?: ConnectionException("the connection was lost for good"))
            } else {
                log.warn("connection to {} lost, reconnecting: {}", address, event.cause?.message ?: "no reason given")
            }

            is ConnectionEvent.Connected -> {
                log.info("reconnected to {} (session present: {})", address, event.sessionPresent)
                if (!event.sessionPresent) restoreSubscriptions()
            }
        }
    }

    private suspend fun restoreSubscriptions() {
        val wanted = synchronized(subscriptions) { subscriptions.toMap() }
        for ((filter, qos) in wanted) {
            try {
                connection.subscribe(filter, qos)
            } catch (e: MqttFlowException) {
                log.error("could not restore the subscription to '{}' after the reconnect: {}", filter, e.message)
            }
        }
    }

    override suspend fun subscribe(filter: String, qos: Int): Int {
        Subscribe(filter, qos) // checks the QoS
        Topics.validateFilter(filter)
        val granted = connection.subscribe(filter, qos)
        synchronized(subscriptions) { subscriptions[filter] = qos }
        return granted
    }

    override suspend fun unsubscribe(filter: String) {
        synchronized(subscriptions) { subscriptions.remove(filter) }
        connection.unsubscribe(filter)
    }

    override fun messages(): Flow<Message> = flow {
        check(collecting.compareAndSet(false, true)) {
            "messages() is already being collected: collect it once (share it with shareIn if several places need it)"
        }
        try {
            for (inbound in inbox) {
                try {
                    emit(inbound.message)
                } finally {
                    inbound.ack()
                }
            }
        } finally {
            collecting.set(false)
        }
    }

    override suspend fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int,
        retain: Boolean,
        properties: MessageProperties,
    ) {
        Topics.validateTopic(topic)
        connection.publish(Publish(topic, payload, qos, retain, properties))
    }

    override suspend fun disconnect() {
        if (!closed.compareAndSet(false, true)) return
        try {
            connection.disconnect()
        } finally {
            scope.cancel()
            inbox.close()
            var left = 0
            while (inbox.tryReceive().isSuccess) left++
            if (left > 0) {
                log.warn(
                    "closing {} with {} received message(s) nobody collected; not acknowledged " +
                        "(a persistent session gets them again)",
                    address,
                    left,
                )
            }
        }
    }

    override fun close() {
        runBlocking {
            withTimeoutOrNull(config.shutdownTimeout) { disconnect() }
                ?: log.warn(
                    "disconnecting from {} took longer than {}; gave up waiting",
                    address,
                    config.shutdownTimeout,
                )
        }
    }

    private val address get() = "${config.host}:${config.effectivePort}"

    override fun toString(): String = "MqttFlowClient($address${if (closed.get()) ", closed" else ""})"

    companion object {
        /** A connected client over [connection]; the stream is registered before CONNECT. */
        suspend fun open(
            connection: BrokerConnection,
            config: MqttFlowConfig,
            context: CoroutineContext = Dispatchers.Default,
        ): MqttFlowClient = RealMqttFlowClient(connection, config, context).also { it.open() }
    }
}
