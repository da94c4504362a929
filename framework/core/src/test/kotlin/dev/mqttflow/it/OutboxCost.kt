package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.publish
import dev.mqttflow.internal.hivemq.HiveMqConnection
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.lang.management.ManagementFactory
import java.nio.file.Files

/**
 * The cost of the durable outbox per QoS 1 publish (not a test; run by hand, see docs/reliability.md):
 * a handler publishes [N] QoS 1 messages one after another through a test-started Mosquitto, with and
 * without `outboxFile`, alternating, [ROUNDS] times each; prints µs per publish (wall and this
 * process's CPU).
 */
fun main() {
    Mosquitto().use { broker ->
        repeat(ROUNDS) { round ->
            for (withOutbox in listOf(false, true)) {
                val file = Files.createTempDirectory("outbox-cost-").resolve("outbox.db")
                val config = MqttFlowConfig(
                    host = "127.0.0.1",
                    port = broker.port,
                    outboxFile = if (withOutbox) file else null,
                )
                val (wall, cpu) = measure(config)
                println("round ${round + 1} outbox=$withOutbox: %.1f µs/publish wall, %.1f µs CPU".format(wall, cpu))
            }
        }
    }
}

private fun measure(config: MqttFlowConfig): Pair<Double, Double> = runBlocking {
    val done = CompletableDeferred<Pair<Long, Long>>()
    val threads = ManagementFactory.getThreadMXBean()
    val bean = ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean
    val publisher = consumer("cost", onConnect = {
        launch {
            repeat(WARMUP) { publish("cost/warm", "w", qos = 1) }
            val cpu0 = bean.processCpuTime
            val t0 = System.nanoTime()
            repeat(N) { publish("cost/x", "$it", qos = 1) }
            done.complete((System.nanoTime() - t0) to (bean.processCpuTime - cpu0))
        }
    })
    threads.isThreadCpuTimeEnabled
    val job = launch { MqttFlow(config, connectionFactory = { HiveMqConnection(it) }).run(publisher) }
    val (wall, cpu) = done.await()
    job.cancelAndJoin()
    wall / 1e3 / N to cpu / 1e3 / N
}

private const val N = 10_000
private const val WARMUP = 1_000
private const val ROUNDS = 5
