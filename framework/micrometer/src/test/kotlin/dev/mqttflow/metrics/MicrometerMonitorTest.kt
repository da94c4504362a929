package dev.mqttflow.metrics

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.Message
import dev.mqttflow.testing.consumerTest
import dev.mqttflow.worker.RetryPolicy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import kotlinx.coroutines.CompletableDeferred

/** Issue 17: the Micrometer binding on the real runtime in the test kit (virtual time, no broker). */
class MicrometerMonitorTest :
    FunSpec({
        fun SimpleMeterRegistry.count(name: String, vararg tags: String): Double =
            find(name).tags(*tags).counter()?.count() ?: 0.0

        fun SimpleMeterRegistry.gauge(name: String): Double = get(name).gauge().value()

        val echo = object : Consumer {
            override val name = "echo"

            override suspend fun onConnect(context: ConsumerContext) = context.subscribe("in/#", qos = 1)

            override suspend fun onMessage(context: ConsumerContext, message: Message) =
                context.publish("out/${message.topic}", message.text, qos = 1)
        }

        test("N messages: N received, the timer counts N, N publishes, and the unacknowledged gauge is back at 0") {
            val registry = SimpleMeterRegistry()
            val n = 25
            consumerTest(echo, monitor = MicrometerMonitor(registry)) {
                connect()
                repeat(n) { publish("in/$it", "m$it", qos = 1) }
                repeat(n) { expectPublish("out/in/$it", "m$it") }
            }
            registry.count("mqttflow.messages.received", "consumer", "echo", "qos", "1") shouldBe n.toDouble()
            val timer = registry.get("mqttflow.handler.duration").tags("consumer", "echo", "outcome", "success").timer()
            timer.count() shouldBe n.toLong()
            registry.count("mqttflow.publishes", "qos", "1", "outcome", "success") shouldBe n.toDouble()
            registry.get("mqttflow.publish.ack.latency").tag("qos", "1").timer().count() shouldBe n.toLong()
            registry.gauge("mqttflow.deliveries.unacknowledged") shouldBe 0.0
        }

        test("the unacknowledged gauge and inbox depth count what a busy handler holds") {
            val registry = SimpleMeterRegistry()
            val release = CompletableDeferred<Unit>()
            val slow = object : Consumer {
                override val name = "slow"

                override suspend fun onConnect(context: ConsumerContext) = context.subscribe("in/#", qos = 1)

                override suspend fun onMessage(context: ConsumerContext, message: Message) {
                    release.await()
                }
            }
            consumerTest(slow, monitor = MicrometerMonitor(registry)) {
                connect()
                repeat(3) { publish("in/$it", "x", qos = 1) }
                registry.gauge("mqttflow.deliveries.unacknowledged") shouldBe 3.0
                registry.get("mqttflow.inbox.depth").tag("consumer", "slow").gauge().value() shouldBe 2.0
                registry.gauge("mqttflow.workers.alive") shouldBe 1.0
                release.complete(Unit)
                runCurrent()
                registry.gauge("mqttflow.deliveries.unacknowledged") shouldBe 0.0
                registry.get("mqttflow.inbox.depth").tag("consumer", "slow").gauge().value() shouldBe 0.0
            }
        }

        test("a poison message counts its failed calls, one failure for good and one dead letter") {
            val registry = SimpleMeterRegistry()
            val poisoned = object : Consumer {
                override val name = "poisoned"
                override val onFailure =
                    RetryPolicy(retries = 1, backoff = kotlin.time.Duration.ZERO, deadLetter = "dead")

                override suspend fun onConnect(context: ConsumerContext) = context.subscribe("in/#", qos = 1)

                override suspend fun onMessage(context: ConsumerContext, message: Message): Unit = error("bad input")
            }
            consumerTest(poisoned, monitor = MicrometerMonitor(registry)) {
                connect()
                publish("in/x", "poison", qos = 1)
                runCurrent()
                expectPublish("dead", "poison")
            }
            registry.get("mqttflow.handler.duration").tags("outcome", "failure").timer().count() shouldBe 2L
            registry.count("mqttflow.handler.failures", "consumer", "poisoned", "handler", "onMessage") shouldBe 1.0
            registry.count("mqttflow.dead.letters", "consumer", "poisoned") shouldBe 1.0
        }
    })
