package dev.mqttflow.bench

import java.io.File
import java.nio.file.Path

/** One burst consumed by one contender. Rates are over the time from publisher start to last message. */
data class BurstResult(
    val contender: String,
    val qos: Int,
    val sent: Int,
    val received: Long,
    val nanos: Long,
    val consumerCpuNanos: Long,
    val brokerCpuNanos: Long,
    val consumerSwitches: Long,
) {
    val switchesPerMessage: Double get() = consumerSwitches.toDouble() / received.coerceAtLeast(1)
    val rate: Double get() = received * 1e9 / nanos
    val consumerUsPerMessage: Double get() = consumerCpuNanos / 1e3 / received.coerceAtLeast(1)
    val brokerUsPerMessage: Double get() = brokerCpuNanos / 1e3 / received.coerceAtLeast(1)
    val lost: Long get() = sent - received
}

/** A contender of figure 1, seen from the harness. */
interface Counting {
    val label: String

    /** Subscribes to [topic] at [qos], expecting [n] messages; returns once subscribed. */
    fun prepare(topic: String, qos: Int, n: Int)

    fun cpuNanos(): Long

    fun contextSwitches(): Long

    /**
     * Waits for the burst: (count, nanoTime of the last message). Gives up [idleMs] after [publisher]
     * is done and nothing more arrives.
     */
    fun await(n: Int, publisher: Process, idleMs: Long): Pair<Long, Long>

    /** Disconnects. */
    fun end()
}

/**
 * Figure 1: a C publisher (`mosquitto_pub -l`) sends a burst of 64-byte payloads; each contender in
 * turn (interleaved A B C, a warm-up round first) consumes it. Fails when a QoS 1/2 message is missing.
 */
class ThroughputFigure(
    private val broker: Broker,
    private val contenders: List<Counting>,
    private val workDir: Path,
    private val log: (String) -> Unit,
) {
    private var serial = 0

    fun run(bursts: List<Pair<Int, Int>>, warmupFraction: Double, repetitions: Int): List<BurstResult> {
        val results = mutableListOf<BurstResult>()
        for ((qos, n) in bursts) {
            val warmup = (n * warmupFraction).toInt()
            if (warmup > 0) contenders.forEach { round(it, qos, warmup) }
            repeat(repetitions) { rep ->
                for (c in contenders) {
                    val r = round(c, qos, n)
                    log(
                        "  QoS $qos rep ${rep + 1} ${c.label}: %.0f msg/s, %.2f+%.2f CPU-us/msg, %.2f cs/msg, lost %d"
                            .format(r.rate, r.consumerUsPerMessage, r.brokerUsPerMessage, r.switchesPerMessage, r.lost),
                    )
                    results += r
                }
            }
        }
        return results
    }

    private fun round(c: Counting, qos: Int, n: Int): BurstResult {
        val topic = "bench/tp/${++serial}"
        c.prepare(topic, qos, n)
        val cpu0 = c.cpuNanos()
        val switches0 = c.contextSwitches()
        val broker0 = broker.cpuNanos()
        val start = System.nanoTime()
        val publisher = publisher(topic, qos, n)
        val (count, last) = c.await(n, publisher, if (qos == 0) QOS0_IDLE_MS else QOS12_IDLE_MS)
        val cpu = c.cpuNanos() - cpu0
        val switches = c.contextSwitches() - switches0
        val brokerCpu = broker.cpuNanos() - broker0
        c.end()
        if (!publisher.waitFor(PUBLISHER_EXIT_S, java.util.concurrent.TimeUnit.SECONDS)) publisher.destroy()
        check(qos == 0 || count == n.toLong()) {
            "${c.label} received $count of $n messages at QoS $qos: a QoS $qos message is missing"
        }
        return BurstResult(c.label, qos, n, count, (last - start).coerceAtLeast(1), cpu, brokerCpu, switches)
    }

    private fun publisher(topic: String, qos: Int, n: Int): Process = ProcessBuilder(
        "mosquitto_pub", "-h", "127.0.0.1", "-p", broker.port.toString(), "-q", qos.toString(), "-t", topic, "-l",
    ).redirectInput(payloads(n)).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(workDir.resolve("mosquitto_pub.log").toFile()).start()

    private val payloadFiles = HashMap<Int, File>()

    /** [n] lines of [PAYLOAD_BYTES] characters: `mosquitto_pub -l` sends each line as one message. */
    private fun payloads(n: Int): File = payloadFiles.getOrPut(n) {
        workDir.resolve("payload-$n.txt").toFile().also { f ->
            f.bufferedWriter().use { w ->
                repeat(n) { i ->
                    w.write(i.toString().padStart(PAYLOAD_BYTES, '0'))
                    w.write("\n")
                }
            }
        }
    }

    companion object {
        const val PAYLOAD_BYTES = 64
        const val QOS0_IDLE_MS = 1_000L
        const val QOS12_IDLE_MS = 10_000L
        const val PUBLISHER_EXIT_S = 30L
    }
}

/** (b) or (c): a node JVM counting in its handler. */
class NodeCounting(override val label: String, private val node: Node) : Counting {
    override fun prepare(topic: String, qos: Int, n: Int) {
        node.send("count $topic $qos $n")
        node.await("READY")
    }

    override fun cpuNanos(): Long = node.cpuNanos()

    override fun contextSwitches(): Long = Proc.contextSwitches(node.pid)

    override fun await(n: Int, publisher: Process, idleMs: Long): Pair<Long, Long> {
        var done: List<String>? = null
        while (done == null && publisher.isAlive) done = node.poll("DONE", POLL_MS)
        var seen = -1L
        var changed = System.currentTimeMillis()
        while (done == null) {
            done = node.poll("DONE", POLL_MS) ?: run {
                node.send("progress")
                val count = node.await("PROGRESS")[0].toLong()
                if (count != seen) {
                    seen = count
                    changed = System.currentTimeMillis()
                } else if (System.currentTimeMillis() - changed > idleMs) {
                    node.send("finish")
                    return@run node.await("DONE")
                }
                null
            }
        }
        return done[0].toLong() to done[1].toLong()
    }

    override fun end() {
        node.send("close")
        node.await("CLOSED")
    }

    private companion object {
        const val POLL_MS = 100L
    }
}

/**
 * (a) `mosquitto_sub` over MQTT 3.1.1 (see [Broker] for why not 5), writing to a file the harness
 * watches (it flushes after every message). It also subscribes to a retained marker, so its first
 * line says that the SUBACK arrived. The harness sees
 * the last message up to ~1 ms late (its polling period), a bias against (a) of under 0.5 %.
 */
class CSubCounting(private val port: Int, private val workDir: Path) : Counting {
    override val label = "a: mosquitto_sub (C)"
    private var process: Process? = null
    private var output: File? = null
    private var serial = 0

    override fun prepare(topic: String, qos: Int, n: Int) {
        val marker = "$topic/ready"
        val retain = ProcessBuilder(
            "mosquitto_pub", "-h", "127.0.0.1", "-p", port.toString(), "-q", "1", "-r", "-t", marker, "-m", "READY",
        ).redirectErrorStream(true).start()
        check(retain.waitFor() == 0) { "mosquitto_pub of the marker failed" }
        val out = workDir.resolve("sub-${++serial}.out").toFile()
        output = out
        process = ProcessBuilder(
            "mosquitto_sub", "-h", "127.0.0.1", "-p", port.toString(),
            "-q", qos.toString(), "-t", topic, "-t", marker,
        ).redirectOutput(out).redirectError(workDir.resolve("mosquitto_sub.log").toFile()).start()
        val deadline = System.currentTimeMillis() + READY_TIMEOUT_MS
        while (out.length() < MARKER_BYTES) {
            check(System.currentTimeMillis() < deadline) { "mosquitto_sub did not subscribe" }
            Thread.sleep(1)
        }
    }

    override fun cpuNanos(): Long = process?.let { Proc.cpuNanos(it.pid()) } ?: 0

    override fun contextSwitches(): Long = process?.let { Proc.contextSwitches(it.pid()) } ?: 0

    override fun await(n: Int, publisher: Process, idleMs: Long): Pair<Long, Long> {
        val out = checkNotNull(output)
        var length = out.length()
        var last = System.nanoTime()
        var changed = System.currentTimeMillis()
        while (true) {
            val now = out.length()
            if (now != length) {
                length = now
                last = System.nanoTime()
                changed = System.currentTimeMillis()
            }
            val count = (length - MARKER_BYTES) / (ThroughputFigure.PAYLOAD_BYTES + 1)
            if (count >= n) return count to last
            if (!publisher.isAlive && System.currentTimeMillis() - changed > idleMs) return count to last
            Thread.sleep(1)
        }
    }

    override fun end() {
        process?.let {
            it.destroy()
            it.waitFor()
        }
        process = null
        output?.delete()
    }

    private companion object {
        const val MARKER_BYTES = 6L // "READY\n"
        const val READY_TIMEOUT_MS = 10_000L
    }
}
