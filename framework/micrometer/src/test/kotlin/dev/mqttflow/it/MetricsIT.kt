package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.metrics.MqttFlow
import dev.mqttflow.monitoring.Health
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Issue 17 on a real Mosquitto: the counters equal what was sent, and health follows the broker. */
class MetricsIT :
    FunSpec({
        suspend fun until(what: String, check: () -> Boolean) {
            val ok = withTimeoutOrNull(30.seconds) {
                while (!check()) delay(50.milliseconds)
            }
            check(ok != null) { "not within 30 s: $what" }
        }

        test("N QoS 1 messages: N received, the timer counts N, and the unacknowledged gauge returns to 0") {
            Mosquitto().use { broker ->
                val registry = SimpleMeterRegistry()
                val handled = AtomicInteger()
                val counter = consumer("counter", onConnect = { subscribe("load/#", qos = 1) }) {
                    handled.incrementAndGet()
                }
                val flow = MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = broker.port), meterRegistry = registry)
                val job = launch { flow.run(counter) }
                until("ready") { flow.health.ready }
                val n = 300
                withContext(Dispatchers.IO) {
                    RawClient(broker.port).use { client -> repeat(n) { client.publish("load/$it", "m$it", qos = 1) } }
                }
                until("all handled") { handled.get() == n }
                until("all acknowledged") { flow.status.unacknowledged == 0 }
                registry.get(
                    "mqttflow.messages.received",
                ).tags("consumer", "counter", "qos", "1").counter().count() shouldBe
                    n.toDouble()
                registry.get("mqttflow.handler.duration").tags("consumer", "counter", "outcome", "success").timer()
                    .count() shouldBe n.toLong()
                registry.get("mqttflow.deliveries.unacknowledged").gauge().value() shouldBe 0.0
                registry.get("mqttflow.connection.connected").gauge().value() shouldBe 1.0
                job.cancelAndJoin()
            }
        }

        test("health turns not ready, saying why, while the broker is down, and ready after the reconnect") {
            Mosquitto().use { broker ->
                val registry = SimpleMeterRegistry()
                val idle = consumer("idle", onConnect = { subscribe("x/#", qos = 1) })
                val flow = MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = broker.port), meterRegistry = registry)
                val job = launch { flow.run(idle) }
                until("ready") { flow.health.ready }
                withContext(Dispatchers.IO) { broker.stop() }
                until("not ready") { !flow.health.ready }
                val down: Health = flow.health
                down.live shouldBe true
                down.reasons.single() shouldStartWith "disconnected from 127.0.0.1:${broker.port}"
                registry.get("mqttflow.connection.connected").gauge().value() shouldBe 0.0
                withContext(Dispatchers.IO) { broker.start() }
                until("ready again") { flow.health.ready }
                registry.get("mqttflow.reconnects").counter().count() shouldBe 1.0
                registry.get("mqttflow.connection.downtime").timer().count() shouldBe 1L
                flow.status.snapshot().workers.single().subscriptions shouldBe mapOf("x/#" to 1)
                job.cancelAndJoin()
                flow.health.reasons shouldContain "stopped"
            }
        }
    })
