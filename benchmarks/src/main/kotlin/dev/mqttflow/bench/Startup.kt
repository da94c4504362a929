package dev.mqttflow.bench

import java.io.File
import java.nio.file.Files
import java.nio.file.Path
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
 * - the raw HiveMQ blocking client, and an mqttflow consumer (`MqttFlow.run`) on the classpath,
 * - the same consumer with an AppCDS archive its warm-up run wrote (what would close a start-up gap),
 * - where a JDK 25+ is found ([jdk25]: `MQTTFLOW_BENCH_JDK25`, else a JDK under `/usr/lib/jvm` named
 *   with 25), the consumer on
 *   it without and with the ahead-of-time cache its warm-up run trained (`-XX:AOTCacheOutput`, JEP 514),
 *   which is what `bin/mqttflow` makes and uses on JDK 25.
 * JVMs run with no flags but the classpath (and the archive), as a user would start them.
 */
class StartupFigure(
    private val port: Int,
    private val launcher: JavaLauncher,
    private val workDir: Path,
    private val log: (String) -> Unit,
) {
    private val archive = workDir.resolve("mqttflow-startup.jsa")
    private val aot = workDir.resolve("mqttflow-startup.aot")
    private val jdk25 = jdk25()?.let(launcher::on)

    /** Label, warm-up run, measured run. The AppCDS archive is written by its warm-up run. */
    private val contenders: List<Triple<String, () -> Double, () -> Double>> = listOf(
        Triple(C_SUB, { cSub() }, { cSub() }),
        Triple(JVM_NOOP, { jvm("noop") }, { jvm("noop") }),
        Triple(RAW, { jvm("raw") }, { jvm("raw") }),
        Triple(FLOW, { jvm("flow") }, { jvm("flow") }),
        Triple(
            FLOW_CDS,
            { jvm("flow", listOf("-XX:ArchiveClassesAtExit=$archive")) },
            { jvm("flow", listOf("-XX:SharedArchiveFile=$archive")) },
        ),
    ) + listOfNotNull(jdk25).flatMap { jdk ->
        val quiet = listOf("-Xlog:aot=off", "-Xlog:cds=off")
        listOf(
            Triple(FLOW_25, { jvm("flow", on = jdk) }, { jvm("flow", on = jdk) }),
            Triple(
                FLOW_AOT,
                { jvm("flow", quiet + "-XX:AOTCacheOutput=$aot", jdk) },
                { jvm("flow", quiet + "-XX:AOTCache=$aot", jdk) },
            ),
        )
    }

    fun run(repetitions: Int): List<StartupResult> {
        Files.deleteIfExists(archive)
        Files.deleteIfExists(aot)
        contenders.forEach { (_, warm, _) -> warm() }
        // The JVM writes no archive when a directory is on the classpath (a test run): measure without it.
        val measured = contenders.filter { it.first != FLOW_CDS || Files.exists(archive) }
        if (measured.size < contenders.size) log("  no AppCDS archive was written (a directory on the classpath?)")
        val times = measured.associate { it.first to mutableListOf<Double>() }
        repeat(repetitions) { rep ->
            for ((label, _, measure) in measured) {
                val ms = measure()
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

    private fun jvm(kind: String, flags: List<String> = emptyList(), on: JavaLauncher = launcher): Double {
        val begin = System.nanoTime()
        val node = on.node(listOf("startup", kind, port.toString()), flags)
        node.use {
            it.await("SUBACK", TIMEOUT_S * 1000)
            val ms = (System.nanoTime() - begin) / 1e6
            it.process.waitFor(TIMEOUT_S, TimeUnit.SECONDS)
            return ms
        }
    }

    companion object {
        /** A JDK 25+ `java`: `MQTTFLOW_BENCH_JDK25` (a JDK home), else one under `/usr/lib/jvm` named with 25. */
        fun jdk25(): String? {
            val home = System.getenv("MQTTFLOW_BENCH_JDK25")?.let(::File)
                ?: File("/usr/lib/jvm").listFiles { f -> f.name.contains("25") }?.maxOrNull()
            return home?.resolve("bin/java")?.takeIf { it.canExecute() }?.path
        }

        const val C_SUB = "a: mosquitto_sub -E (C)"
        const val JVM_NOOP = "JVM only (prints at main)"
        const val RAW = "b: raw HiveMQ client"
        const val FLOW = "c: mqttflow consumer (classpath)"
        const val FLOW_CDS = "c with an AppCDS archive (-XX:SharedArchiveFile)"
        const val FLOW_25 = "c on JDK 25"
        const val FLOW_AOT = "c on JDK 25 with its AOT cache (-XX:AOTCache)"
        private const val TIMEOUT_S = 60L
    }
}
