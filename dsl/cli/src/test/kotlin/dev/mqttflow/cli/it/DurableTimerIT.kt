package dev.mqttflow.cli.it

import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path
import java.sql.DriverManager
import java.util.concurrent.TimeUnit
import kotlin.io.path.writeText
import kotlin.time.Clock
import kotlin.time.Instant

/**
 * Durable timers across real process ends: a script arms a 3 s timer, the `mqttflow run` process
 * is killed with SIGKILL (nothing of it runs: no shutdown hook, no onDisconnect) and started again
 * on the same database; the timer fires exactly once. The same across `--watch` edits, and an edit
 * that no longer declares the timer drops it with a log line.
 */
class DurableTimerIT :
    FunSpec({
        val broker = Mosquitto()
        afterSpec { broker.close() }
        val cache = Files.createTempDirectory("durable-cache-")

        fun cli(workDir: Path, vararg args: String) = ChildCli(
            listOf("run", "-H", "127.0.0.1", "-p", "${broker.port}", "--shutdown-timeout", "5") + args,
            env = mapOf("MQTTFLOW_SCRIPT_CACHE" to "$cache"),
            workDir = workDir,
        )

        fun ChildCli.awaitErr(fragment: String, seconds: Long = 90) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
            while (fragment !in err() && System.nanoTime() < deadline && process.isAlive) Thread.sleep(100)
            err() shouldContain fragment
        }

        fun offTimer(version: String) =
            "val off = timer(\"off\") { room: String -> publish(\"dt/off/\$room\", \"$version\", qos = 1) }"

        // `dt/motion/<room>` carries the delay in seconds; `dt/armed` the deadline the timer was armed for;
        // `dt/off/<room>` says which version of the script fired.
        fun hall(version: String, declared: Boolean = true) = """
            mqttConsumer("hall") {
                ${if (declared) offTimer(version) else ""}
                onConnect { subscribe("dt/motion/+", qos = 1); publish("dt/status", "ready $version", qos = 1) }
                onMessage("dt/motion/{room}") { msg ->
                    ${if (declared) "" else "/*"}
                    val room = msg.vars.getValue("room")
                    off.restart(room, after = msg.text.toInt().seconds)
                    publish("dt/armed", off.pending(room).toString(), qos = 1)
                    ${if (declared) "" else "*/"}
                }
            }
        """.trimIndent() + "\n"

        test("a timer armed before SIGKILL fires once after the next start, from the default SQLite file") {
            val dir = Files.createTempDirectory("durable-kill-")
            dir.resolve("hall.mqtt.kts").writeText(hall("v1"))
            Observer(broker.port).use { seen ->
                val deadline = cli(dir, "hall.mqtt.kts").use { child ->
                    seen.await("dt/status", 120) shouldBe "ready v1"
                    seen.raw.publish("dt/motion/hall", "3")
                    val armed = Instant.parse(seen.await("dt/armed"))
                    child.process.destroyForcibly()
                    child.awaitExitCode(30) shouldBe SIGKILL_EXIT
                    armed
                }
                seen.fired shouldBe emptyList()
                Files.exists(dir.resolve("mqttflow.db")) shouldBe true
                cli(dir, "hall.mqtt.kts").use { child ->
                    seen.await("dt/status", 120) shouldBe "ready v1"
                    // Generous: the firing comes within the window or the test fails; a second one must not come.
                    seen.watch(FIRING_WINDOW_S, deadline)
                    seen.fired shouldBe listOf("dt/off/hall=v1")
                    child.err() shouldContain "worker 'hall:hall': restored 1 timer(s)"
                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                }
                // The row is gone: a third start restores nothing and fires nothing.
                cli(dir, "hall.mqtt.kts").use { child ->
                    seen.await("dt/status", 120) shouldBe "ready v1"
                    seen.watch(QUIET_S, deadline)
                    seen.fired shouldBe listOf("dt/off/hall=v1")
                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                }
            }
        }

        test("--watch: a timer pending while the script is rewritten fires once; an edit without it drops it") {
            val dir = Files.createTempDirectory("durable-watch-")
            val file = dir.resolve("timers.db")
            val script = dir.resolve("hall.mqtt.kts")
            script.writeText(hall("v1"))
            Observer(broker.port).use { seen ->
                cli(dir, "--watch", "--db-url", "jdbc:sqlite:$file", "hall.mqtt.kts").use { child ->
                    seen.await("dt/status", 120) shouldBe "ready v1"
                    // Long enough to be pending across the recompilation of the edit.
                    seen.raw.publish("dt/motion/hall", "$WATCH_DELAY_S")
                    val deadline = Instant.parse(seen.await("dt/armed"))
                    script.writeText(hall("v2"))
                    seen.await("dt/status", 120) shouldBe "ready v2"
                    seen.watch(WATCH_DELAY_S + FIRING_WINDOW_S, deadline) { it.isNotEmpty() }
                    seen.watch(QUIET_S, deadline)
                    seen.fired shouldBe listOf("dt/off/hall=v2")

                    seen.raw.publish("dt/motion/hall", "$WATCH_DELAY_S")
                    seen.await("dt/armed")
                    storedTimers(file) shouldBe 1
                    script.writeText(hall("v3", declared = false))
                    seen.await("dt/status", 120) shouldBe "ready v3"
                    child.awaitErr("worker 'hall:hall': dropped 1 stored firing(s) of timer 'off', which it no longer")
                    storedTimers(file) shouldBe 0
                    seen.fired shouldBe listOf("dt/off/hall=v2")
                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                }
            }
        }
    })

/** Everything on `dt/#`; firings (`dt/off/…`) are kept aside, whatever the test waits for meanwhile. */
private class Observer(port: Int) : AutoCloseable {
    val raw = RawClient(port).apply { subscribe("dt/#") }
    val fired = mutableListOf<String>()

    /** The next payload on [topic]. */
    fun await(topic: String, seconds: Long = 30): String {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        while (System.nanoTime() < end) {
            val (t, payload) = take() ?: continue
            if (t == topic) return payload
        }
        error("nothing on $topic within $seconds s; fired so far: $fired")
    }

    /** Keeps taking messages for [seconds], or until [done] says the firings so far are enough. */
    fun watch(seconds: Long, deadline: Instant, done: (List<String>) -> Boolean = { false }) {
        val end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        while (System.nanoTime() < end && !done(fired)) {
            val (topic, _) = take() ?: continue
            if (topic.startsWith(
                    "dt/off/",
                )
            ) {
                println("DurableTimerIT: $topic fired ${Clock.System.now() - deadline} after its deadline")
            }
        }
    }

    private fun take(): Pair<String, String>? {
        val next = raw.received.poll(POLL_MS, TimeUnit.MILLISECONDS) ?: return null
        if (next.first.startsWith("dt/off/")) fired += "${next.first}=${next.second}"
        return next
    }

    override fun close() = raw.close()
}

/** Rows in the timers table of the SQLite file [file], read beside the running process. */
private fun storedTimers(file: Path): Int = DriverManager.getConnection("jdbc:sqlite:$file").use {
    it.createStatement().executeQuery("SELECT count(*) FROM mqttflow_timers").use { rs ->
        rs.next()
        rs.getInt(1)
    }
}

/** `Process.destroyForcibly` on Linux sends SIGKILL: the exit status is 128 + 9. */
private const val SIGKILL_EXIT = 137
private const val FIRING_WINDOW_S = 15L
private const val WATCH_DELAY_S = 20L
private const val QUIET_S = 6L
private const val POLL_MS = 250L
