package dev.mqttflow.testing.features

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/** Each feature of the Kotlin face, on [Notebook]; `KitFeaturesJavaTest` is the same list in Java. */
class KitFeaturesTest :
    FunSpec({
        test("publish in, expect actions") {
            consumerTest(Notebook()) {
                connect() shouldBe Subscribe("notes/+", qos = 1)
                expectPublish("notebook/status", "up at 2025-01-01T00:00:00Z")
                publish("notes/a", "milk", qos = 1)
                expectPublish("notebook/count", "1")
                expectNoAction()
            }
        }

        test("layer sends reach the consumer's channel") {
            consumerTest(Notebook()) {
                connect()
                publish("notes/a", "milk", qos = 1)
                send(LayerMessage("notes.clear"))
                published.last().text shouldBe "0"
            }
        }

        test("the database: fill it before connect, read what the handlers stored") {
            val url = "jdbc:sqlite:" + Files.createTempDirectory("kit-features").resolve("notes.db")
            consumerTest(Notebook(), databaseUrl = url) {
                database.transaction { Notes.insert { it[text] = "from the test" } }
                connect()
                publish("notes/a", "milk", qos = 1)
                published.last().text shouldBe "2"
                database.transaction { Notes.selectAll().map { it[Notes.text] } } shouldBe
                    listOf("from the test", "milk")
            }
        }

        test("config: the shutdown timeout cuts a slow onDisconnect short") {
            consumerTest(Notebook(), config = MqttFlowConfig(host = "in-memory", shutdownTimeout = 2.seconds)) {
                connect()
                disconnect()
                published.map { it.text } shouldBe listOf("up at 2025-01-01T00:00:00Z") // no "bye"
            }
        }

        test("start time, virtual time and restart(downFor)") {
            val start = Instant.parse("2025-06-01T12:00:00Z")
            consumerTest(Notebook(), startTime = start) {
                connect()
                expectPublish("notebook/status", "up at 2025-06-01T12:00:00Z")
                advanceTimeBy(1.hours)
                clock.now() shouldBe start + 1.hours
                restart(downFor = 2.hours) // onDisconnect says bye five seconds in, then three hours have passed
                expectPublish("notebook/status", "bye")
                nextAction() shouldBe Subscribe("notes/+", qos = 1) // the new run's onConnect
                expectPublish("notebook/status", "up at 2025-06-01T15:00:05Z")
                retained("notebook/status")?.text shouldBe "up at 2025-06-01T15:00:05Z"
            }
        }

        test("monitor: the runtime's events, as MqttFlow(monitor = …) hears them") {
            val received = AtomicInteger()
            val monitor = object : FlowMonitor {
                override fun messageReceived(consumer: String, qos: Int) {
                    received.incrementAndGet()
                }
            }
            consumerTest(Notebook(), monitor = monitor) {
                connect()
                publish("notes/a", "milk", qos = 1)
                publish("elsewhere", "not subscribed")
                received.get() shouldBe 1
            }
        }
    })
