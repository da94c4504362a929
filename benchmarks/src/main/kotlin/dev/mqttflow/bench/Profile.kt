package dev.mqttflow.bench

import jdk.jfr.consumer.RecordedEvent
import jdk.jfr.consumer.RecordingFile
import java.nio.file.Files
import java.nio.file.Path
import kotlin.system.exitProcess

/**
 * `scripts/bench --profile`: runs figure 1's bursts against the raw client and the mqttflow consumer,
 * each in a JVM recording with JFR (`settings=profile`), and summarises where their CPU samples fall:
 * by thread, by top frame, and by the framework/library methods on the stack. Writes
 * benchmarks/target/bench/profile.md.
 */
fun main(args: Array<String>) {
    val work = Path.of(args.indexOf("--work").takeIf { it >= 0 }?.let { args[it + 1] } ?: "benchmarks/target/bench")
    Files.createDirectories(work)
    val launcher = JavaLauncher(System.getProperty("java.class.path"), work)
    val report = StringBuilder("# Profile (JFR execution samples)\n\n")
    Broker.start().use { broker ->
        for (kind in listOf("raw", "flow")) {
            val jfr = work.resolve("$kind.jfr")
            Files.deleteIfExists(jfr)
            val flags = launcher.nodeFlags +
                "-XX:StartFlightRecording=filename=$jfr,settings=${settings(work)},dumponexit=true"
            val node = launcher.node(listOf("serve", kind, broker.port.toString()), flags)
            node.use {
                val figure = ThroughputFigure(broker, listOf(NodeCounting(kind, node)), work) { System.err.println(it) }
                figure.run(listOf(0 to PROFILE_QOS0, 1 to PROFILE_QOS1), warmupFraction = 0.5, repetitions = 3)
            }
            report.append(summarise(kind, jfr))
        }
    }
    val out = work.resolve("profile.md")
    Files.writeString(out, report)
    println(report)
    System.err.println("wrote $out")
    exitProcess(0)
}

/** JFR's `profile` settings with Java stacks sampled every millisecond instead of every 10. */
private fun settings(work: Path): Path {
    val profile = Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc")
    val text = Files.readString(profile).replace(
        Regex("(?<head><event name=\"jdk.ExecutionSample\">\\s*<setting[^>]*>true</setting>\\s*<setting[^>]*>)10 ms"),
        "\${head}1 ms",
    )
    return work.resolve("profile-1ms.jfc").also { Files.writeString(it, text) }
}

private const val PROFILE_QOS0 = 200_000
private const val PROFILE_QOS1 = 50_000 // mosquitto_pub -l stops past ~65k outstanding at QoS 1
private const val TOP = 25
private const val THREAD_GROUPS = 3
private val OWN = listOf("dev.mqttflow.", "kotlinx.coroutines.", "reactor.", "com.hivemq.", "io.netty.")

/** Samples by thread group, by top frame, and by the library methods on the stack (each once per sample). */
fun summarise(kind: String, jfr: Path): String {
    val samples = RecordingFile.readAllEvents(jfr).filter { it.eventType.name == "jdk.ExecutionSample" }
    val total = samples.size.coerceAtLeast(1)
    val byThread = samples.groupingBy { threadGroup(it) }.eachCount()
    val byTop = samples.groupingBy { frameName(it, 0) }.eachCount()
    val inclusive = HashMap<String, Int>()
    for (s in samples) {
        val frames = s.stackTrace?.frames ?: continue
        frames.map { "${it.method.type.name}.${it.method.name}" }.filter { f -> OWN.any { f.startsWith(it) } }
            .toSet().forEach { inclusive.merge(it, 1, Int::plus) }
    }
    fun table(title: String, counts: Map<String, Int>) = buildString {
        append("\n$title\n\n| samples | % | |\n|---|---|---|\n")
        counts.entries.sortedByDescending { it.value }.take(TOP).forEach { (k, v) ->
            append("| $v | %.1f | `%s` |\n".format(v * 100.0 / total, k))
        }
    }
    val perThread = byThread.keys.sortedByDescending { byThread[it] }.take(THREAD_GROUPS).joinToString("") { group ->
        table(
            "Top frames (self) on $group",
            samples.filter {
                threadGroup(it) == group
            }.groupingBy { frameName(it, 0) }.eachCount(),
        )
    }
    return "## $kind — ${samples.size} samples\n" +
        table("By thread", byThread) +
        table("Top frames (self)", byTop) +
        perThread +
        table("Framework and library methods on the stack (inclusive)", inclusive) + "\n"
}

private fun frameName(e: RecordedEvent, i: Int): String {
    val f = e.stackTrace?.frames?.getOrNull(i) ?: return "?"
    return "${f.method.type.name}.${f.method.name}"
}

private fun threadGroup(e: RecordedEvent): String {
    val name = e.getThread("sampledThread")?.javaName ?: "?"
    return name.replace(Regex("\\d+"), "N")
}
