package dev.mqttflow.bench

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/** JMH's result: matches per second with the error of its 99.9 % confidence interval. */
class RouterResult(
    val filters: Int,
    val matchesPerSecond: Double,
    val error: Double,
    val valuesPerTopic: Double,
    val settings: String,
)

/**
 * Figure 5 runs JMH ([dev.mqttflow.bench.jmh.RouterBenchmark]) in a child JVM: one fork, [warmups]
 * warm-up and [iterations] measured iterations of [seconds] each.
 */
@OptIn(dev.mqttflow.InternalMqttFlowApi::class)
class RouterFigure(private val launcher: JavaLauncher, private val workDir: Path) {
    fun run(filters: Int, forks: Int, warmups: Int, iterations: Int, seconds: Int): RouterResult {
        val csv = workDir.resolve("jmh-router.csv")
        val args = listOf(
            "RouterBenchmark", "-p", "filters=$filters", "-f", "$forks", "-wi", "$warmups", "-i", "$iterations",
            "-w", "${seconds}s", "-r", "${seconds}s", "-rf", "csv", "-rff", csv.toString(),
        )
        val process = ProcessBuilder(launcher.command("org.openjdk.jmh.Main", args))
            .redirectErrorStream(true).redirectOutput(workDir.resolve("jmh.log").toFile()).start()
        check(process.waitFor(TIMEOUT_MIN, TimeUnit.MINUTES) && process.exitValue() == 0) {
            "JMH failed; see ${workDir.resolve("jmh.log")}"
        }
        // "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: filters"
        val row = Files.readAllLines(csv)[1].split(',').map { it.trim('"') }
        val workload = RouterWorkload(filters, TOPIC_SAMPLE)
        val values = workload.topics.sumOf { workload.trie.match(it).size }.toDouble() / TOPIC_SAMPLE
        return RouterResult(
            filters = filters,
            matchesPerSecond = row[4].toDouble(),
            error = row[5].toDoubleOrNull() ?: Double.NaN,
            valuesPerTopic = values,
            settings = "JMH 1.37, $forks fork, $warmups × ${seconds}s warm-up, $iterations × ${seconds}s measured",
        )
    }

    private companion object {
        const val TOPIC_SAMPLE = 1 shl 16
        const val TIMEOUT_MIN = 5L
    }
}
