package dev.mqttflow.it

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.MessageProperties
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.seconds

/** Interop with a real Mosquitto that the test starts on a free port. */
class MosquittoIT :
    FunSpec({
        val mosquitto = Mosquitto()
        afterSpec { mosquitto.close() }

        suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

        for (version in MqttVersion.entries) {
            test("round trip through Mosquitto over MQTT ${version.label}") {
                RawClient(mosquitto.port).use { raw ->
                    raw.subscribe("mq/${version.label}/out")
                    val ready = CompletableDeferred<Unit>()
                    val echo = consumer("echo-${version.label}", onConnect = {
                        subscribe("mq/${version.label}/in/#", qos = 2)
                        ready.complete(Unit)
                    }) { msg -> publish("mq/${version.label}/out", msg.text.uppercase(), qos = 2) }
                    val config = MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port, version = version)
                    val job = runFlow(config, echo)
                    withTimeout(20.seconds) { ready.await() }
                    io { raw.publish("mq/${version.label}/in/x", "ping", qos = 2) }
                    io { raw.next() } shouldBe ("mq/${version.label}/out" to "PING")
                    job.cancelAndJoin()
                }
            }
        }

        test("MQTT 5 properties pass through Mosquitto both ways") {
            val got = CompletableDeferred<MessageProperties>()
            val ready = CompletableDeferred<Unit>()
            val requester = consumer("requester", onConnect = {
                subscribe("props/reply")
                ready.complete(Unit)
            }) { msg -> got.complete(msg.properties) }
            val responder = consumer("responder", onConnect = { subscribe("props/req") }) { msg ->
                publish(msg.properties.responseTopic!!, "ok", properties = msg.properties)
            }
            val config = MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port)
            val job = runFlow(config, requester, responder)
            withTimeout(20.seconds) { ready.await() }
            val sent = MessageProperties(
                userProperties = listOf("room" to "hall", "room" to "kitchen"),
                contentType = "text/plain",
                responseTopic = "props/reply",
                correlationData = byteArrayOf(1, 2, 3),
            )
            val pub = RawPublisher(mosquitto.port)
            pub.use { it.publish("props/req", "q", sent) }
            withTimeout(20.seconds) { got.await() } shouldBe sent
            job.cancelAndJoin()
        }

        test("a QoS 1 burst from the C publisher reaches a consumer with default settings whole") {
            // Mosquitto 2.0.11 overshoots an announced receive maximum under a burst and the HiveMQ
            // client then disconnects; the default (65535, not announced) must not trip over it.
            val count = java.util.concurrent.atomic.AtomicInteger()
            val all = CompletableDeferred<Unit>()
            val ready = CompletableDeferred<Unit>()
            val total = 5000
            val counter = consumer("counter", onConnect = {
                subscribe("burst/x", qos = 1)
                ready.complete(Unit)
            }) { if (count.incrementAndGet() == total) all.complete(Unit) }
            // a broker window wider than the old default (1024), as a tuned Mosquitto has
            val wide = Mosquitto(extraConfig = "max_inflight_messages 4096")
            val job = runFlow(MqttFlowConfig(host = "127.0.0.1", port = wide.port), counter)
            withTimeout(20.seconds) { ready.await() }
            io {
                val pub = ProcessBuilder(
                    "mosquitto_pub", "-h", "127.0.0.1", "-p", "${wide.port}", "-q", "1", "-t", "burst/x", "-l",
                ).redirectErrorStream(true).start()
                pub.outputStream.bufferedWriter().use { w -> repeat(total) { w.write("m$it\n") } }
                pub.waitFor()
            }
            withTimeout(60.seconds) { all.await() }
            count.get() shouldBe total
            job.cancelAndJoin()
            wide.close()
        }
    })
