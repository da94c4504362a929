package dev.mqttflow.client

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.filter
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList

/**
 * One broker connection without consumers, for code that just wants to subscribe and publish —
 * aiomqtt's `Client`, paho's `Client` with `wait_for_publish`:
 *
 * ```kotlin
 * MqttFlow.client(MqttFlowConfig(host = "broker.local")).use { c ->
 *     c.subscribe("humidity/#", qos = 1)
 *     c.publish("humidity/ask", "now", qos = 1) // returns after the broker's PUBACK
 *     c.messages().take(3).collect { println("${it.topic} = ${it.text}") }
 * }
 * ```
 *
 * The guarantees are the consumers': the message stream is registered before CONNECT, so a
 * resumed session's queued messages are kept; a QoS 1/2 message is acknowledged once, after the
 * collector of [messages] returned from it (or threw, or stopped the flow with `take`/`first`);
 * subscriptions are restored when the client reconnects without a session; publishes wait
 * across a disconnect. Messages received and never collected when the client closes are not
 * acknowledged (a persistent session gets them again); their count is logged once.
 */
public interface MqttFlowClient : AutoCloseable {
    /** Subscribes to [filter] at up to [qos]; returns the QoS the broker granted. */
    public suspend fun subscribe(filter: String, qos: Int = 0): Int

    /** Drops the subscription to [filter]. */
    public suspend fun unsubscribe(filter: String)

    /**
     * Every message of this connection's subscriptions, in arrival order, from the first one the
     * broker sent (those that arrived before collecting started wait, up to
     * [MqttFlowConfig.inboxCapacity], then the broker is held back). One collector at a time; the
     * flow ends when the client closes, and fails with [dev.mqttflow.errors.ConnectionException]
     * when the broker is lost for good.
     */
    public fun messages(): Flow<Message>

    /** Publishes UTF-8 [payload]; with QoS 1/2 suspends until the broker acknowledged it. */
    public suspend fun publish(topic: String, payload: String, qos: Int = 0, retain: Boolean = false) {
        publish(topic, payload.encodeToByteArray(), qos, retain)
    }

    /** Publishes [payload]; with QoS 1/2 suspends until the broker acknowledged it. */
    public suspend fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int = 0,
        retain: Boolean = false,
        properties: MessageProperties = MessageProperties.NONE,
    )

    /** Disconnects cleanly; [messages] ends. Safe to call more than once. */
    public suspend fun disconnect()

    /** [disconnect], blocking the calling thread until it is done. */
    override fun close()

    public companion object {
        /** A client over [connection] (the test kit's in-memory broker, say); for mqttflow's own artifacts. */
        @InternalMqttFlowApi
        public suspend fun open(connection: BrokerConnection, config: MqttFlowConfig): MqttFlowClient =
            RealMqttFlowClient.open(connection, config)

        /** Connects to the broker [config] names; throws [dev.mqttflow.errors.ConnectionException]. */
        public suspend fun connect(config: MqttFlowConfig): MqttFlowClient =
            RealMqttFlowClient.open(HiveMqConnection(config), config)

        /**
         * Connects, publishes one message (waiting for the broker's acknowledgement at QoS 1/2)
         * and disconnects: paho's `publish.single`.
         */
        public suspend fun publishSingle(
            config: MqttFlowConfig,
            topic: String,
            payload: String,
            qos: Int = 0,
            retain: Boolean = false,
        ) {
            val client = connect(config)
            try {
                client.publish(topic, payload, qos, retain)
            } finally {
                client.disconnect()
            }
        }

        /**
         * Connects, subscribes to [filter] and returns the first [count] messages (retained ones
         * too unless [retained] is false), then disconnects: paho's `subscribe.simple`.
         */
        public suspend fun subscribeSimple(
            config: MqttFlowConfig,
            filter: String,
            qos: Int = 0,
            count: Int = 1,
            retained: Boolean = true,
        ): List<Message> {
            require(count >= 1) { "count must be at least 1, not $count" }
            val client = connect(config)
            try {
                client.subscribe(filter, qos)
                return client.messages().filter { retained || !it.retain }.take(count).toList()
            } finally {
                client.disconnect()
            }
        }
    }
}
