package dev.mqttflow.chaos

import dev.mqttflow.cli.it.ChildCli
import dev.mqttflow.it.Mosquitto
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/** How big a chaos run is: `-Dchaos.scale=full` for scripts/chaos, the CI size otherwise. */
data class Scale(val messages: Int, val faults: Int, val sigterms: Int, val burst: Int, val full: Boolean) {
    companion object {
        val current: Scale = if (System.getProperty("chaos.scale") == "full") {
            Scale(messages = 20_000, faults = 5, sigterms = 3, burst = 15_000, full = true)
        } else {
            Scale(messages = 1_000, faults = 2, sigterms = 2, burst = 1_000, full = false)
        }
    }
}

/** One scenario's outcome: what the independent publisher got accepted, and what mqttflow handled. */
data class Outcome(
    val scenario: String,
    val published: Int,
    val handledLines: List<String>,
    /** The numbers that should have been handled (all of 1..[published] unless said); [note] goes in the table. */
    val expected: List<Int> = (1..published).toList(),
    val note: String = "",
) {
    private val handledSet = handledLines.toSet()
    val handled: Int get() = handledSet.size
    val lost: List<Int> get() = expected.filter { "$it" !in handledSet }
    val duplicated: Int get() = handledLines.size - handledSet.size

    /** A row of docs/reliability.md's table (scripts/chaos collects them). */
    fun record() {
        val file = System.getProperty("chaos.results") ?: return
        File(file).appendText("$scenario\t$published\t$handled\t${lost.size}\t$duplicated\t$note\n")
    }

    override fun toString(): String =
        "$scenario: published $published, handled $handled, lost ${lost.size} ${lost.take(20)}, duplicated $duplicated"
}

/**
 * A Mosquitto with persistence on (its own port and data dir), the Mosquitto clients as the
 * independent publisher, and mqttflow (the real CLI in a child JVM) running a `.mqtt.kts` consumer
 * that appends every sequence number it handled to a file, one per line, before its handler returns.
 */
class ChaosRig(val name: String) : AutoCloseable {
    val dir: Path = Files.createTempDirectory("mqttflow-chaos-$name-")
    private val data: Path = Files.createDirectories(dir.resolve("mosquitto-data"))
    val broker =
        Mosquitto(extraConfig = "user root\npersistence true\npersistence_location $data/\nautosave_interval 0")
    val handledFile: File = dir.resolve("handled.txt").toFile().apply { createNewFile() }
    private var published = 0
    private var child: ChildCli? = null

    /** Starts mqttflow on [script] with a persistent session (or a clean one) and waits until it subscribed. */
    fun startConsumer(
        script: String,
        env: Map<String, String> = emptyMap(),
        persistent: Boolean = true,
        vararg extra: String,
    ) {
        val file = dir.resolve("$name.mqtt.kts")
        if (!Files.exists(file)) Files.writeString(file, script)
        val session = if (persistent) {
            listOf(
                "-c",
                "false",
                "--session-expiry",
                "3600",
                "-i",
                "chaos-$name",
            )
        } else {
            emptyList()
        }
        val args =
            listOf("run", "-H", "127.0.0.1", "-p", "${broker.port}", "-r", "0", "--script-cache", CACHE.toString()) +
                session + extra.toList() + listOf(file.toString())
        val started =
            ChildCli(args, env + ("CHAOS_OUT" to handledFile.path), workDir = Files.createTempDirectory(dir, "run-"))
        child = started
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_SECONDS)
        while (!started.err().contains(READY) && !started.out().contains(READY)) {
            check(started.process.isAlive) { "mqttflow exited at start:\n${started.err()}" }
            check(System.nanoTime() < deadline) {
                "mqttflow did not subscribe within $STARTUP_SECONDS s:\n${started.err()}"
            }
            Thread.sleep(POLL_MS)
        }
    }

    /** The running child's log so far. */
    fun consumerLog(): String = child?.let { it.err() + it.out() } ?: ""

    /** kill -9. */
    fun killConsumer() {
        child?.process?.destroyForcibly()?.waitFor()
        child?.close()
        child = null
    }

    /** SIGTERM, then waits for it to exit. */
    fun terminateConsumer(): Int {
        val c = child ?: error("no consumer running")
        c.terminate()
        val code = c.awaitExitCode(SHUTDOWN_SECONDS)
        c.close()
        child = null
        return code
    }

    /** Publishes the next [n] sequence numbers with `mosquitto_pub -l` (returns once the broker acknowledged all). */
    fun publish(n: Int, qos: Int, topic: String = "chaos/seq") {
        val lines = dir.resolve("batch.txt")
        Files.writeString(lines, ((published + 1)..(published + n)).joinToString("\n", postfix = "\n"))
        val port = "${broker.port}"
        val command = listOf("mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", topic, "-q", "$qos", "-l")
        val p = ProcessBuilder(command).redirectInput(lines.toFile()).redirectErrorStream(true)
            .redirectOutput(dir.resolve("pub.log").toFile()).start()
        check(p.waitFor(PUBLISH_SECONDS, TimeUnit.SECONDS)) { "mosquitto_pub did not finish" }
        check(p.exitValue() == 0) { "mosquitto_pub failed: " + Files.readString(dir.resolve("pub.log")) }
        published += n
    }

    fun handledLines(): List<String> = handledFile.readLines().filter { it.isNotBlank() }

    /** Waits until [count] distinct numbers were handled. */
    fun awaitHandled(count: Int, seconds: Long = 60) {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        while (handledLines().toSet().size < count && System.nanoTime() < deadline) Thread.sleep(POLL_MS)
    }

    /** Waits until everything published was handled, or nothing new arrived for [quietSeconds]; the outcome. */
    fun settle(quietSeconds: Long = 15): Outcome {
        var last = -1
        var lastChange = System.nanoTime()
        while (true) {
            val n = handledLines().size
            if (n != last) {
                last = n
                lastChange = System.nanoTime()
            }
            val all = handledLines().toSet().size >= published
            if (all || System.nanoTime() - lastChange > TimeUnit.SECONDS.toNanos(quietSeconds)) break
            Thread.sleep(POLL_MS)
        }
        if (handledLines().toSet().size >= published) Thread.sleep(QUIET_AFTER_MS) // late duplicates
        return Outcome(name, published, handledLines())
    }

    override fun close() {
        child?.close()
        broker.close()
        // -Dchaos.keep=true keeps the logs (mqttflow's in run-*/, Mosquitto's) for a post-mortem.
        if (System.getProperty("chaos.keep") ==
            "true"
        ) {
            println("chaos: kept $dir")
        } else {
            dir.toFile().deleteRecursively()
        }
    }

    companion object {
        /** Every chaos scenario shares one compiled-script cache: each script compiles once. */
        val CACHE: Path = Files.createTempDirectory("mqttflow-chaos-cache-")
        const val READY = "chaos: subscribed"
        private const val STARTUP_SECONDS = 90L
        private const val SHUTDOWN_SECONDS = 60L
        private const val PUBLISH_SECONDS = 120L
        private const val POLL_MS = 50L
        private const val QUIET_AFTER_MS = 1_000L
    }
}
