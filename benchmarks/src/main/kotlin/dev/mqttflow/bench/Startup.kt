package dev.mqttflow.bench

import java.util.concurrent.TimeUnit

/** Median time from process start to SUBACK of one contender, in milliseconds. */
class StartupResult(val contender: String, val millis: List<Double>) {
    val median: Double get() = median(millis)
}

/**
 * Figure 4: from `ProcessBuilder.start` to the moment the process says its subscription was granted.
 * Contenders, interleaved after one warm-up round (which warms the OS file cache, not a JIT):
 * - `mosquitto_sub -E` (exits once subscribed; its exit is the marker),
 * - a JVM that only prints the marker (the cost of `java -cp ...` itself),
 * - the raw HiveMQ blocking client, and an mqttflow consumer (`MqttFlow.run`) on the classpath.
 * JVMs run with no flags but the classpath, as a user would start them.
 */
class StartupFigure(private val port: Int, private val launcher: JavaLauncher, private val log: (String) -> Unit) {
    private val contenders = linkedMapOf(
        C_SUB to { cSub() },
        JVM_NOOP to { jvm("noop") },
        RAW to { jvm("raw") },
        FLOW to { jvm("flow") },
    )

    fun run(repetitions: Int): List<StartupResult> {
        contenders.values.forEach { it() }
        val times = contenders.keys.associateWith { mutableListOf<Double>() }
        repeat(repetitions) { rep ->
            for ((label, start) in contenders) {
                val ms = start()
                times.getValue(label) += ms
                log("  rep ${rep + 1} $label: %.0f ms".format(ms))
            }
        }
        return times.map { (label, ms) -> StartupResult(label, ms) }
    }

    private fun cSub(): Double {
        val begin = System.nanoTime()
        val p = ProcessBuilder(
            "mosquitto_sub", "-h", "127.0.0.1", "-p", port.toString(), "-q", "1", "-t", STARTUP_TOPIC, "-E",
        ).redirectErrorStream(true).start()
        check(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS) && p.exitValue() == 0) { "mosquitto_sub -E failed" }
        return (System.nanoTime() - begin) / 1e6
    }

    private fun jvm(kind: String): Double {
        val begin = System.nanoTime()
        val node = launcher.node(listOf("startup", kind, port.toString()), flags = emptyList())
        node.use {
            it.await("SUBACK", TIMEOUT_S * 1000)
            val ms = (System.nanoTime() - begin) / 1e6
            it.process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)
            return ms
        }
    }

    companion object {
        const val C_SUB = "a: mosquitto_sub -E (C)"
        const val JVM_NOOP = "JVM only (prints at main)"
        const val RAW = "b: raw HiveMQ client"
        const val FLOW = "c: mqttflow consumer (classpath)"
        private const val TIMEOUT_S = 60L
    }
}
