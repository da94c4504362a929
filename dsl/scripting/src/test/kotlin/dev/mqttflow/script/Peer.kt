package dev.mqttflow.script

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.util.UUID
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** The other side of a broker in integration tests: publishes, and records what it receives. */
class Peer(port: Int) : AutoCloseable {
    private val client = MqttClient.builder().useMqttVersion5()
        .identifier("peer-" + UUID.randomUUID().toString().take(8))
        .serverHost("127.0.0.1").serverPort(port).buildBlocking()
    private val publishes = client.publishes(MqttGlobalPublishFilter.ALL)
    private val received = LinkedBlockingQueue<Pair<String, String>>()

    init {
        client.connect()
        Thread({
            try {
                while (true) {
                    val p = publishes.receive()
                    received.add(p.topic.toString() to p.payloadAsBytes.decodeToString())
                }
            } catch (_: Exception) {
                // closed
            }
        }, "peer-reader").apply { isDaemon = true }.start()
    }

    fun subscribe(filter: String) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
    }

    fun publish(topic: String, payload: String) {
        client.publishWith().topic(topic).payload(payload.encodeToByteArray()).qos(MqttQos.AT_LEAST_ONCE).send()
    }

    /** The next message received, waiting up to [seconds]. */
    suspend fun next(seconds: Long = 20): Pair<String, String> = withContext(Dispatchers.IO) {
        received.poll(seconds, TimeUnit.SECONDS) ?: error("nothing arrived within $seconds s")
    }

    override fun close() {
        runCatching { publishes.close() }
        runCatching { client.disconnect() }
    }
}
