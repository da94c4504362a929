package dev.mqttflow.bench

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.datatypes.MqttQos
import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.lang.management.ManagementFactory
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

/**
 * A child process of the harness, one JVM per contender (started the same way for raw and mqttflow):
 *
 * - `serve raw|flow PORT`: reads commands on stdin, one per line, and answers with `@` lines on stdout:
 *   `count TOPIC QOS N` → `@READY`, then `@DONE COUNT LAST_NANOS` at N or on `finish`;
 *   `progress` → `@PROGRESS COUNT`; `echo QOS` → `@READY`; `close` → `@CLOSED`; `quit`.
 * - `startup raw|flow|noop PORT`: connects, subscribes, prints `@SUBACK`, exits (noop: prints at once).
 * - `memory WORKERS PORT`: runs WORKERS idle mqttflow workers with one subscription each, prints
 *   `@MEM HEAP_BYTES RSS_BYTES SUBSCRIBE_MILLIS` after garbage collection, exits.
 *
 * `System.nanoTime` is CLOCK_MONOTONIC on Linux, the same clock in every process, so the harness can
 * compare the times a node reports with its own.
 */
fun main(args: Array<String>) {
    val mode = args.getOrNull(0) ?: error("usage: NodeKt serve|startup|memory ...")
    when (mode) {
        "serve" -> serve(args[1], args[2].toInt())
        "startup" -> startup(args[1], args[2].toInt())
        "memory" -> memory(args[1].toInt(), args[2].toInt())
        else -> error("unknown mode $mode")
    }
    exitProcess(0)
}

private val out = System.out

private fun emit(line: String) {
    synchronized(out) {
        out.println(line)
        out.flush()
    }
}

private fun serve(kind: String, port: Int) {
    val contender: Contender = when (kind) {
        "raw" -> RawContender(port)
        "flow" -> FlowContender(port)
        else -> error("unknown contender $kind")
    }
    var counter: Counter? = null
    while (true) {
        val line = readlnOrNull() ?: return
        val cmd = line.trim().split(' ')
        when (cmd[0]) {
            "count" -> {
                val c = Counter(cmd[3].toLong()) { count, last -> emit("@DONE $count $last") }
                counter = c
                contender.count(cmd[1], cmd[2].toInt(), c)
                emit("@READY")
            }

            "progress" -> emit("@PROGRESS ${counter?.current ?: 0}")

            "finish" -> counter?.finish()

            "echo" -> {
                contender.echo(cmd[1].toInt())
                emit("@READY")
            }

            "close" -> {
                contender.close()
                emit("@CLOSED")
            }

            "quit" -> return

            else -> error("unknown command: $line")
        }
    }
}

/** The filter every start-up contender subscribes to. */
const val STARTUP_TOPIC = "bench/startup"

private fun startup(kind: String, port: Int) {
    when (kind) {
        "noop" -> emit("@SUBACK")

        "raw" -> {
            val client = MqttClient.builder().useMqttVersion5().serverHost("127.0.0.1").serverPort(port)
                .buildBlocking()
            client.connect()
            client.subscribeWith().topicFilter(STARTUP_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send()
            emit("@SUBACK")
            client.disconnect()
        }

        "flow" -> runBlocking {
            val subscribed = CompletableDeferred<Unit>()
            val consumer = object : Consumer {
                override val name = "startup"

                override suspend fun onConnect(context: ConsumerContext) {
                    context.subscribe(STARTUP_TOPIC, qos = 1)
                    subscribed.complete(Unit)
                }
            }
            val job = launch(Dispatchers.Default) {
                MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = port)).run(consumer)
            }
            subscribed.await()
            emit("@SUBACK")
            job.cancelAndJoin()
        }

        else -> error("unknown start-up contender $kind")
    }
}

private const val GC_ROUNDS = 3
private const val SETTLE_MS = 300L
private const val MEMORY_TIMEOUT_S = 300L

private fun memory(workers: Int, port: Int) {
    val subscribed = CountDownLatch(workers)
    // One consumer description run as many workers: worker names are "idle", "idle#1", "idle#2", ...
    val idle = object : Consumer {
        override val name = "idle"

        override suspend fun onConnect(context: ConsumerContext) {
            context.subscribe("w/" + context.workerName.substringAfter('#', "0"), qos = 1)
            subscribed.countDown()
        }
    }
    val scope = CoroutineScope(Dispatchers.Default)
    val started = System.nanoTime()
    val job = scope.launch {
        MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = port)).run(List(workers) { idle })
    }
    check(subscribed.await(MEMORY_TIMEOUT_S, TimeUnit.SECONDS)) { "workers did not all subscribe" }
    val subscribeMillis = (System.nanoTime() - started) / 1_000_000
    repeat(GC_ROUNDS) {
        Thread.sleep(SETTLE_MS)
        System.gc()
    }
    val heap = ManagementFactory.getMemoryMXBean().heapMemoryUsage.used
    emit("@MEM $heap ${Proc.rssBytes()} $subscribeMillis")
    runBlocking { job.cancelAndJoin() }
}
