package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.internal.WorkerMdc
import dev.mqttflow.metrics.MicrometerMonitor
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.testing.InMemoryBroker
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.lang.management.ManagementFactory
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The cost of monitoring and of the MDC per message (not a test; run by hand, see
 * docs/operations.md): [N] QoS 1 messages through the real runtime on the production dispatcher,
 * from the kit's in-memory broker (no network, so the engine's own cost shows), without a monitor
 * and with a Micrometer one, alternating, [ROUNDS] times each; prints µs per message (wall and this
 * process's CPU).
 */
fun main() {
    val os = ManagementFactory.getOperatingSystemMXBean() as com.sun.management.OperatingSystemMXBean
    repeat(ROUNDS) { round ->
        for (label in listOf("none", "micrometer")) {
            val monitor: FlowMonitor? = if (label == "none") null else MicrometerMonitor(SimpleMeterRegistry())
            val broker = InMemoryBroker()
            val handled = AtomicInteger()
            val done = CompletableDeferred<Unit>()
            val ready = CompletableDeferred<Unit>()
            val sink = consumer("sink", onConnect = {
                subscribe("load/#", qos = 1)
                ready.complete(Unit)
            }) { if (handled.incrementAndGet() == N) done.complete(Unit) }
            runBlocking {
                val flow = MqttFlow(connectionFactory = { broker.connection("cost") }, monitor = monitor)
                val job = launch { flow.run(sink) }
                ready.await()
                val cpu0 = os.processCpuTime
                val t0 = System.nanoTime()
                repeat(N) { broker.publish("load/$it", "x", qos = 1) }
                done.await()
                val wall = System.nanoTime() - t0
                val cpu = os.processCpuTime - cpu0
                println(
                    "round $round $label: %.2f µs/message wall, %.2f µs CPU".format(wall / 1e3 / N, cpu / 1e3 / N),
                )
                job.cancelAndJoin()
            }
        }
    }
    // The MDC element alone: what each resume of a worker's coroutine costs (put three keys, take them off).
    val mdc = WorkerMdc("worker", "consumer")
    repeat(ROUNDS) { round ->
        val t0 = System.nanoTime()
        repeat(MDC_N) {
            val saved = mdc.updateThreadContext(EmptyCoroutineContext)
            mdc.restoreThreadContext(EmptyCoroutineContext, saved)
        }
        println("round $round MDC: %.1f ns per resume".format((System.nanoTime() - t0).toDouble() / MDC_N))
    }
}

private const val N = 200_000
private const val ROUNDS = 3
private const val MDC_N = 5_000_000
