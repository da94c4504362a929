package dev.mqttflow.it

import dev.mqttflow.ConsumerControl
import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.worker.FailurePolicy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private const val QUEUED = 50
private const val AFTER = 1000

/**
 * Issue 12: every delivery ends in exactly one acknowledgement. On a Mosquitto that lets only ten
 * QoS 1 messages be unacknowledged at once, a worker killed, restarted by policy, or swapped (the
 * `--watch` path) with 50 QoS 1 messages behind a slow handler must not leave one unacknowledged:
 * the HiveMQ client acks in arrival order, so a single leak stalls the whole connection.
 */
class AckEveryPathIT :
    FunSpec({
        val mosquitto = Mosquitto(extraConfig = "max_inflight_messages 10")
        afterSpec { mosquitto.close() }
        val config = MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port)

        /** Counts what reaches `fast/#`; the 1,000 messages after the fault go there. */
        class Fast(name: String) {
            val count = MutableStateFlow(0)
            val ready = CompletableDeferred<Unit>()
            val consumer: Consumer = consumer(name, onConnect = {
                subscribe("$name/#", qos = 1)
                ready.complete(Unit)
            }) { count.value++ }
        }

        suspend fun publish(topic: String, n: Int, qos: Int = 1, payload: (Int) -> String = { "m$it" }) {
            withContext(Dispatchers.IO) {
                RawClient(mosquitto.port).use { raw -> repeat(n) { raw.publish(topic, payload(it), qos) } }
            }
        }

        suspend fun thenAllArrive(fast: Fast) {
            publish(fast.consumer.name + "/x", AFTER)
            withTimeout(60.seconds) { fast.count.first { it >= AFTER } }
            fast.count.value shouldBe AFTER
        }

        test("a worker killed with messages queued behind its slow handler leaves the connection flowing") {
            val started = CompletableDeferred<Unit>()
            val slow = consumer("slow", onConnect = { subscribe("kill/slow/#", qos = 1) }) {
                started.complete(Unit)
                delay(500.milliseconds)
            }
            val spawned = CompletableDeferred<Unit>()
            val master = consumer("boss", onConnect = {
                spawnWorker(1, slow)
                subscribe("kill/ctl", qos = 0)
                spawned.complete(Unit)
            }) { killWorker(1) }
            val fast = Fast("killfast")
            val job = runFlow(config, master, fast.consumer)
            withTimeout(20.seconds) { spawned.await() }
            withTimeout(20.seconds) { fast.ready.await() }
            publish("kill/slow/x", QUEUED)
            withTimeout(20.seconds) { started.await() }
            publish("kill/ctl", 1, qos = 0)
            thenAllArrive(fast)
            job.cancelAndJoin()
        }

        test("a worker restarted by its Restart policy hands its queued messages on and the connection flows") {
            val slowMode = AtomicBoolean(true)
            val connects = AtomicInteger()
            val handledAfterRestart = AtomicInteger()
            val slow = consumer("fragile", onConnect = {
                if (connects.incrementAndGet() > 1) slowMode.set(false)
                subscribe("restart/slow/#", qos = 1)
            }) { msg ->
                if (msg.text == "boom") error("poison")
                if (slowMode.get()) delay(500.milliseconds) else handledAfterRestart.incrementAndGet()
            }
            val fast = Fast("restartfast")
            val job = launch {
                MqttFlow(config, failurePolicy = FailurePolicy.Restart(maxRestarts = 1, backoff = 100.milliseconds))
                    .run(slow, fast.consumer)
            }
            withTimeout(20.seconds) { fast.ready.await() }
            publish("restart/slow/x", QUEUED) { if (it == 5) "boom" else "m$it" }
            withTimeout(20.seconds) { while (connects.get() < 2) delay(50.milliseconds) }
            thenAllArrive(fast)
            job.cancelAndJoin()
            handledAfterRestart.get() shouldBeGreaterThan 0
        }

        test("a consumer swapped for its new version (--watch) hands its queued messages to it") {
            val control = CompletableDeferred<ConsumerControl>()
            val fast = Fast("swapfast")
            val job = runFlowWithControl(config, fast.consumer, control)
            val ctl = withTimeout(20.seconds) { control.await() }
            val started = CompletableDeferred<Unit>()
            val v1 = consumer("swapped", onConnect = { subscribe("swap/slow/#", qos = 1) }) {
                started.complete(Unit)
                delay(500.milliseconds)
            }
            val byV2 = AtomicInteger()
            val v2 = consumer("swapped", onConnect = { subscribe("swap/slow/#", qos = 1) }) { byV2.incrementAndGet() }
            val name = ctl.start(v1)
            withTimeout(20.seconds) { fast.ready.await() }
            publish("swap/slow/x", QUEUED)
            withTimeout(20.seconds) { started.await() }
            delay(1.seconds) // let the router fill v1's inbox
            ctl.replace(listOf(name), listOf(v2)) shouldBe listOf("swapped")
            thenAllArrive(fast)
            job.cancelAndJoin()
            byV2.get() shouldBeGreaterThan 0
        }
    })

private fun CoroutineScope.runFlowWithControl(
    config: MqttFlowConfig,
    consumer: Consumer,
    control: CompletableDeferred<ConsumerControl>,
): Job = launch {
    MqttFlow(config, connectionFactory = ::HiveMqConnection).run(listOf(consumer)) {
        control.complete(this)
        awaitCancellation()
    }
}
