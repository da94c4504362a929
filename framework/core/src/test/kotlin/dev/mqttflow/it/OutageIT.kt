package dev.mqttflow.it

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.publish
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.nio.file.Files
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds

/**
 * A broker outage of 11 s (a test-started Mosquitto stopped and started on the same port), the
 * production runtime, a clean session and the default `retries = 3`: the run rides it out, and a
 * timer that publishes every 100 ms loses nothing — its publishes wait for the connection.
 */
class OutageIT :
    FunSpec({
        suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

        for (qos in listOf(0, 1)) {
            test("a QoS $qos timer publishing every 100 ms across an 11 s outage: every publish arrives after it") {
                val data = Files.createTempDirectory("mosquitto-data-")
                Mosquitto(extraConfig = "persistence true\npersistence_location $data/").use { broker ->
                    MosquittoSub(broker.port, "tick/$qos", qos = 1).use { sub ->
                        Thread.sleep(500) // mosquitto_sub has subscribed
                        val published = AtomicInteger()
                        val failed = AtomicInteger()
                        val ticker = consumer("ticker", onConnect = {
                            launch {
                                var n = 1
                                while (true) {
                                    try {
                                        publish("tick/$qos", "$n", qos = qos)
                                        published.set(n++)
                                    } catch (e: dev.mqttflow.errors.PublishException) {
                                        failed.incrementAndGet()
                                        throw e
                                    }
                                    delay(100.milliseconds)
                                }
                            }
                        })
                        val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)
                        config.retries shouldBe MqttFlowConfig.DEFAULT_RETRIES
                        val job = runFlow(config, ticker)
                        io { sub.awaitLines { it.size >= 20 } }
                        io { broker.stop() }
                        val atStop = published.get()
                        delay(11_000)
                        io { broker.start() }
                        // The run is still going, and the ticker goes on after the reconnect.
                        io { sub.awaitLines(90) { it.size >= atStop + 30 } }
                        job.isActive shouldBe true
                        failed.get() shouldBe 0
                        val last = published.get()
                        last shouldBeGreaterThan atStop + 20
                        val got =
                            io { sub.awaitLines(30) { lines -> lines.toSet().containsAll((1..last).map { "$it" }) } }
                        got.toSet() shouldContainAll (1..last).map { "$it" }
                        job.cancelAndJoin()
                    }
                }
                data.toFile().deleteRecursively()
            }
        }
    })
