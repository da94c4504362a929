package dev.mqttflow.bench

import java.nio.file.Files
import java.nio.file.Path
import java.time.ZonedDateTime
import kotlin.system.exitProcess

/** The figures, in the order they run. */
enum class Figure { THROUGHPUT, ROUND_TRIP, MEMORY, STARTUP, ROUTER }

/** Everything one run measured; a figure that did not run is null. */
class Results(val sizes: Sizes, val machine: Machine) {
    var throughput: List<BurstResult>? = null
    var roundTrip: List<RttResult>? = null
    var memory: List<MemoryResult>? = null
    var startup: List<StartupResult>? = null
    var router: RouterResult? = null

    /** Average cores used by other processes while each figure ran. */
    val otherLoad = LinkedHashMap<Figure, Double>()
    var seconds = 0.0
}

/**
 * Runs the figures against one Mosquitto of its own. JVM contenders run in child JVMs started the same
 * way ([JavaLauncher]); for figures 1 and 2 one JVM per contender serves every round, warmed by the
 * warm-up rounds, so the JIT is not what is measured.
 */
class Bench(
    private val sizes: Sizes,
    classpath: String,
    private val workDir: Path,
    private val figures: Set<Figure> = Figure.entries.toSet(),
    private val log: (String) -> Unit = { System.err.println(it) },
) {
    private val launcher = JavaLauncher(classpath, workDir)
    private val liveNodes = mutableListOf<Node>()

    fun run(): Results {
        Files.createDirectories(workDir)
        val results = Results(sizes, Machine.describe())
        val began = System.nanoTime()
        Broker.start().use { broker ->
            val load = OtherLoad { broker.cpuNanos() + liveNodes.sumOf { it.cpuNanos() } }
            if (Figure.THROUGHPUT in figures || Figure.ROUND_TRIP in figures) messaging(broker, load, results)
            results.memory = figure(Figure.MEMORY, load, results) {
                MemoryFigure(broker.port, launcher, log).run(sizes.memoryWorkers, sizes.memoryRepetitions)
            }
            results.startup = figure(Figure.STARTUP, load, results) {
                StartupFigure(broker.port, launcher, workDir, log).run(sizes.startupRepetitions)
            }
            results.router = figure(Figure.ROUTER, load, results) {
                RouterFigure(launcher, workDir).run(
                    sizes.routerFilters,
                    sizes.jmhForks,
                    sizes.jmhWarmups,
                    sizes.jmhIterations,
                    sizes.jmhSeconds,
                )
            }
        }
        results.seconds = (System.nanoTime() - began) / 1e9
        return results
    }

    /** Figures 1 and 2 share one JVM per contender, warm from the first round on. */
    private fun messaging(broker: Broker, load: OtherLoad, results: Results) {
        val raw = launcher.node(listOf("serve", "raw", broker.port.toString())).also { liveNodes += it }
        val flow = launcher.node(listOf("serve", "flow", broker.port.toString())).also { liveNodes += it }
        try {
            results.throughput = figure(Figure.THROUGHPUT, load, results) { throughput(broker, raw, flow) }
            results.roundTrip = figure(Figure.ROUND_TRIP, load, results) { roundTrip(broker, raw, flow) }
        } finally {
            liveNodes.forEach { it.close() }
            liveNodes.clear()
        }
    }

    /** Runs [block] if [f] was asked for, recording the other processes' load meanwhile. */
    private fun <T> figure(f: Figure, load: OtherLoad, results: Results, block: () -> T): T? {
        if (f !in figures) return null
        log(f.name.lowercase().replace('_', ' ') + ":")
        load.start()
        return block().also { results.otherLoad[f] = load.stop() }
    }

    private fun throughput(broker: Broker, raw: Node, flow: Node): List<BurstResult> = ThroughputFigure(
        broker,
        listOf(CSubCounting(broker.port, workDir), NodeCounting(RAW, raw), NodeCounting(FLOW, flow)),
        workDir,
        log,
    ).run(sizes.bursts, sizes.warmupFraction, sizes.repetitions)

    private fun roundTrip(broker: Broker, raw: Node, flow: Node): List<RttResult> = RoundTripFigure(
        broker.port,
        listOf(CEchoResponder(broker.port, workDir), NodeResponder(RAW, raw), NodeResponder(FLOW, flow)),
        log,
    ).run(sizes.rtt, sizes.repetitions)

    companion object {
        const val RAW = "b: raw HiveMQ client"
        const val FLOW = "c: mqttflow consumer"
    }
}

/**
 * `java -cp … dev.mqttflow.bench.BenchKt [--smoke] [--out FILE] [--work DIR] [--only fig,fig] [--analysis FILE]`
 *
 * Figures: throughput, round_trip, memory, startup, router. Writes the markdown report to --out
 * (default docs/benchmarks.md) and the raw logs to --work (default benchmarks/target/bench).
 */
fun main(args: Array<String>) {
    val opts = args.toList()
    fun opt(name: String): String? = opts.indexOf(name).takeIf { it >= 0 }?.let { opts.getOrNull(it + 1) }
    val sizes = if ("--smoke" in opts) Sizes.SMOKE else Sizes.FULL
    val out = Path.of(opt("--out") ?: "docs/benchmarks.md")
    val work = Path.of(opt("--work") ?: "benchmarks/target/bench")
    val figures = opt("--only")?.split(',')?.map { Figure.valueOf(it.trim().uppercase()) }?.toSet()
        ?: Figure.entries.toSet()
    val analysis = Path.of(opt("--analysis") ?: "benchmarks/analysis.md")
    val started = ZonedDateTime.now()
    val results = try {
        Bench(sizes, System.getProperty("java.class.path"), work, figures).run()
    } catch (e: IllegalStateException) {
        System.err.println("bench failed: ${e.message}")
        exitProcess(1)
    }
    Files.createDirectories(out.toAbsolutePath().parent)
    Files.writeString(out, Report(results, started, analysis.takeIf { Files.exists(it) }).render())
    System.err.println("wrote $out (%.0f s)".format(results.seconds))
    exitProcess(0)
}
