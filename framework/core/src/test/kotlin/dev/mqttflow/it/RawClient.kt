package dev.mqttflow.it

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient
import java.util.UUID
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** A plain HiveMQ blocking client for tests: the "other side" that publishes and watches. */
class RawClient(port: Int, host: String = "127.0.0.1", username: String? = null, password: String? = null) :
    AutoCloseable {
    private val client: Mqtt5BlockingClient = MqttClient.builder().useMqttVersion5()
        .identifier("raw-" + UUID.randomUUID().toString().take(8))
        .serverHost(host).serverPort(port).buildBlocking()
    private val publishes = client.publishes(MqttGlobalPublishFilter.ALL)
    val received = LinkedBlockingQueue<Pair<String, String>>()

    init {
        if (username == null) {
            client.connect()
        } else {
            client.connectWith().simpleAuth().username(username).password((password ?: "").encodeToByteArray())
                .applySimpleAuth().send()
        }
        Thread({
            try {
                while (true) {
                    val p = publishes.receive()
                    received.add(p.topic.toString() to p.payloadAsBytes.decodeToString())
                }
            } catch (_: Exception) {
                // closed
            }
        }, "raw-client-reader").apply { isDaemon = true }.start()
    }

    fun subscribe(filter: String, qos: Int = 1) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.fromCode(qos)!!).send()
    }

    fun publish(topic: String, payload: String, qos: Int = 1, retain: Boolean = false) {
        client.publishWith().topic(topic).payload(payload.encodeToByteArray()).qos(MqttQos.fromCode(qos)!!)
            .retain(retain).send()
    }

    fun next(seconds: Long = 10): Pair<String, String> =
        received.poll(seconds, TimeUnit.SECONDS) ?: error("nothing arrived within $seconds s")

    fun nothingWithin(millis: Long): Boolean = received.poll(millis, TimeUnit.MILLISECONDS) == null

    override fun close() {
        runCatching { publishes.close() }
        runCatching { client.disconnect() }
    }
}

/** Publishes with MQTT 5 properties, for property pass-through tests. */
class RawPublisher(port: Int) : AutoCloseable {
    private val client = MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1").serverPort(port).buildBlocking()

    init {
        client.connect()
    }

    fun publish(topic: String, payload: String, properties: dev.mqttflow.protocol.MessageProperties) {
        val b = client.publishWith().topic(topic).payload(payload.encodeToByteArray()).qos(MqttQos.AT_LEAST_ONCE)
        properties.contentType?.let { b.contentType(it) }
        properties.responseTopic?.let { b.responseTopic(it) }
        properties.correlationData?.let { b.correlationData(it) }
        val up = com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties.builder()
        properties.userProperties.forEach { (k, v) -> up.add(k, v) }
        b.userProperties(up.build()).send()
    }

    override fun close() {
        client.disconnect()
    }
}
