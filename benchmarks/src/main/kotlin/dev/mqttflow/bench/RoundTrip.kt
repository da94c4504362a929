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
                    listOf("mosquitto_sub") + common + listOf("-V", "mqttv5", "-t", REQUEST_TOPIC),
                ).redirectError(log),
                // MQTT 3.1.1: mosquitto_pub 2.0.11 -l -V mqttv5 repeats the first line and drops later ones.
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

/**
 * Figure 2: for each QoS, each responder in turn (interleaved, a warm-up round first) answers
 * [oneAtATime] sequential requests, then [fixedRate] requests at [perSecond]. Percentiles are over the
 * samples of all repetitions pooled.
 */
class RoundTripFigure(
    private val port: Int,
    private val responders: List<Responder>,
    private val log: (String) -> Unit,
) {
    fun run(qosLevels: List<Int>, oneAtATime: Int, fixedRate: Int, perSecond: Int, repetitions: Int): List<RttResult> =
        qosLevels.flatMap { qos ->
            val pooled = HashMap<Pair<String, String>, MutableList<Latencies>>()
            Requester(port, qos).use { requester ->
                for (rep in 0..repetitions) { // round 0 is the warm-up, at half size
                    val scale = if (rep == 0) 2 else 1
                    for (r in responders) {
                        val (seq, rate) = round(requester, r, qos, oneAtATime / scale, fixedRate / scale, perSecond)
                        if (rep > 0) record(pooled, r.label, qos, rep, seq, rate, perSecond)
                    }
                }
            }
            responders.flatMap { r ->
                listOf(ONE, RATE).map { mode ->
                    val runs = pooled.getValue(r.label to mode)
                    val all = runs.flatMap { it.nanos.asList() }.toLongArray().also { it.sort() }
                    RttResult(r.label, qos, mode, all, runs.sumOf { it.lost })
                }
            }
        }

    private fun record(
        pooled: MutableMap<Pair<String, String>, MutableList<Latencies>>,
        label: String,
        qos: Int,
        rep: Int,
        seq: Latencies,
        rate: Latencies,
        perSecond: Int,
    ) {
        pooled.getOrPut(label to ONE) { mutableListOf() } += seq
        pooled.getOrPut(label to RATE) { mutableListOf() } += rate
        log(
            "  QoS $qos rep $rep $label: p50 %.0f us one at a time, %.0f us at %d/s".format(
                percentile(seq.nanos, P50) / 1e3,
                percentile(rate.nanos, P50) / 1e3,
                perSecond,
            ),
        )
    }

    private fun round(
        requester: Requester,
        responder: Responder,
        qos: Int,
        oneAtATime: Int,
        fixedRate: Int,
        perSecond: Int,
    ): Pair<Latencies, Latencies> {
        responder.start(qos)
        try {
            try {
                requester.awaitResponder()
            } catch (e: IllegalStateException) {
                throw IllegalStateException("${responder.label}: ${e.message}", e)
            }
            return requester.oneAtATime(oneAtATime) to requester.fixedRate(fixedRate, perSecond)
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
