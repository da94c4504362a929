package dev.mqttflow.bench

import java.nio.file.Path

/** A responder of figure 2: answers [REQUEST_TOPIC] on [RESPONSE_TOPIC] while started. */
interface Responder {
    val label: String

    fun start(qos: Int)

    fun stop()
}

/** (b) or (c): a node JVM echoing from its handler. */
class NodeResponder(override val label: String, private val node: Node) : Responder {
    override fun start(qos: Int) {
        node.send("echo $qos")
        node.await("READY")
    }

    override fun stop() {
        node.send("close")
        node.await("CLOSED")
    }
}

/**
 * (a) A C echo: `mosquitto_sub -t rtt/req | mosquitto_pub -l -t rtt/resp`. `mosquitto_sub` flushes
 * after every message and `mosquitto_pub -l` publishes each line as it reads it, so this is the
 * C clients' round trip plus one pipe hop.
 */
class CEchoResponder(private val port: Int, private val workDir: Path) : Responder {
    override val label = "a: mosquitto_sub piped to mosquitto_pub (C)"
    private var pipeline: List<Process> = emptyList()

    override fun start(qos: Int) {
        val common = listOf("-h", "127.0.0.1", "-p", port.toString(), "-q", qos.toString())
        val log = workDir.resolve("c-echo.log").toFile()
        pipeline = ProcessBuilder.startPipeline(
            listOf(
                ProcessBuilder(
                    listOf("mosquitto_sub") + common + listOf("-t", REQUEST_TOPIC),
                ).redirectError(log),
                // MQTT 3.1.1 like every C client here; besides, 2.0.11's `mosquitto_pub -l -V mqttv5` repeats
                // the first line and drops later ones.
                ProcessBuilder(listOf("mosquitto_pub") + common + listOf("-l", "-t", RESPONSE_TOPIC))
                    .redirectError(log).redirectOutput(ProcessBuilder.Redirect.DISCARD),
            ),
        )
    }

    override fun stop() {
        pipeline.forEach { it.destroy() }
        pipeline.forEach { it.waitFor() }
        pipeline = emptyList()
    }
}

/** Pooled latencies of one responder in one mode. */
class RttResult(val responder: String, val qos: Int, val mode: String, val nanos: LongArray, val lost: Int) {
    fun p(percent: Double): Double = percentile(nanos, percent) / 1e3 // microseconds
}

/** What to run at one QoS: [oneAtATime] sequential requests, then [fixedRate] at [perSecond] (0: none). */
data class RttPlan(val qos: Int, val oneAtATime: Int, val fixedRate: Int, val perSecond: Int)

/**
 * Figure 2: for each [RttPlan], each responder in turn (interleaved, a warm-up round at half size
 * first) answers sequential requests, then requests on a fixed schedule. Percentiles are over the
 * samples of all repetitions pooled.
 */
class RoundTripFigure(
    private val port: Int,
    private val responders: List<Responder>,
    private val log: (String) -> Unit,
) {
    fun run(plans: List<RttPlan>, repetitions: Int): List<RttResult> = plans.flatMap { plan ->
        val pooled = LinkedHashMap<Pair<String, String>, MutableList<Latencies>>()
        Requester(port, plan.qos).use { requester ->
            for (rep in 0..repetitions) { // round 0 is the warm-up
                val size = if (rep ==
                    0
                ) {
                    plan.copy(oneAtATime = plan.oneAtATime / 2, fixedRate = plan.fixedRate / 2)
                } else {
                    plan
                }
                for (r in responders) {
                    val modes = round(requester, r, size)
                    if (rep == 0) continue
                    modes.forEach { (mode, latencies) ->
                        pooled.getOrPut(r.label to mode) { mutableListOf() } +=
                            latencies
                    }
                    log(
                        "  QoS ${plan.qos} rep $rep ${r.label}: " + modes.entries.joinToString {
                            "p50 %.0f us %s".format(percentile(it.value.nanos, P50) / 1e3, it.key)
                        },
                    )
                }
            }
        }
        pooled.map { (key, runs) ->
            val all = runs.flatMap { it.nanos.asList() }.toLongArray().also { it.sort() }
            RttResult(key.first, plan.qos, key.second, all, runs.sumOf { it.lost })
        }.sortedBy { listOf(ONE, RATE).indexOf(it.mode) }
    }

    private fun round(requester: Requester, responder: Responder, plan: RttPlan): Map<String, Latencies> {
        responder.start(plan.qos)
        try {
            try {
                requester.awaitResponder()
            } catch (e: IllegalStateException) {
                throw IllegalStateException("${responder.label}: ${e.message}", e)
            }
            val modes = linkedMapOf(ONE to requester.oneAtATime(plan.oneAtATime))
            if (plan.fixedRate > 0) modes[RATE] = requester.fixedRate(plan.fixedRate, plan.perSecond)
            return modes
        } finally {
            responder.stop()
        }
    }

    companion object {
        const val ONE = "one at a time"
        const val RATE = "fixed rate"
        private const val P50 = 50.0
    }
}
