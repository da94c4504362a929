package dev.mqttflow.chaos

import dev.mqttflow.it.MosquittoSub
import java.nio.file.Files
import java.sql.DriverManager
import java.util.concurrent.TimeUnit

/**
 * The scenarios of issue 11, each on a [ChaosRig] of its own, at [Scale.current]. Each returns
 * what was published and handled; the ITs assert 0 lost, scripts/chaos tabulates them.
 */
object ChaosScenarios {
    private val scale = Scale.current
    private const val RECORD_DELAY_MS = "1"

    private fun recorderEnv(qos: Int, delayMs: String = RECORD_DELAY_MS) =
        mapOf("CHAOS_QOS" to "$qos", "CHAOS_DELAY_MS" to delayMs)

    /** The broker is stopped and started [Scale.faults] times while mqttflow has a backlog. */
    fun brokerRestarts(qos: Int): Outcome = ChaosRig("broker-restarts-qos$qos").use { rig ->
        rig.startConsumer(ChaosScripts.recorder, recorderEnv(qos))
        val batch = scale.messages / (scale.faults + 1)
        repeat(scale.faults) {
            rig.publish(batch, qos)
            Thread.sleep(MID_STREAM_MS)
            rig.broker.stop()
            rig.broker.start()
        }
        rig.publish(scale.messages - batch * scale.faults, qos)
        rig.settle().also { it.record() }
    }

    /** mqttflow is killed with SIGKILL [Scale.faults] times mid-stream and started again on the same session. */
    fun kills(qos: Int): Outcome = ChaosRig("kill9-qos$qos").use { rig ->
        rig.startConsumer(ChaosScripts.recorder, recorderEnv(qos))
        val batch = scale.messages / (scale.faults + 1)
        repeat(scale.faults) {
            rig.publish(batch, qos)
            Thread.sleep(MID_STREAM_MS)
            rig.killConsumer()
            rig.startConsumer(ChaosScripts.recorder, recorderEnv(qos))
        }
        rig.publish(scale.messages - batch * scale.faults, qos)
        rig.settle().also { it.record() }
    }

    /** A burst is published; a third into handling it mqttflow gets SIGTERM; restarted; [Scale.sigterms] times. */
    fun sigterms(qos: Int): Outcome = ChaosRig("sigterm-qos$qos").use { rig ->
        rig.startConsumer(ChaosScripts.recorder, recorderEnv(qos, "0"))
        val burst = scale.burst / scale.sigterms
        repeat(scale.sigterms) {
            val before = rig.handledLines().toSet().size
            rig.publish(burst, qos)
            rig.awaitHandled(before + burst / 3)
            rig.terminateConsumer()
            rig.startConsumer(ChaosScripts.recorder, recorderEnv(qos, "0"))
        }
        rig.settle().also { it.record() }
    }

    /** A backlog builds while mqttflow is away; it drains it slowly, is stopped a third in, and drains the rest. */
    fun backlog(qos: Int): Outcome = ChaosRig("backlog-qos$qos").use { rig ->
        val slow = recorderEnv(qos, "2")
        rig.startConsumer(ChaosScripts.recorder, slow)
        rig.terminateConsumer()
        rig.publish(scale.messages, qos)
        rig.startConsumer(ChaosScripts.recorder, slow)
        rig.awaitHandled(scale.messages / 3, seconds = 120)
        rig.terminateConsumer()
        rig.startConsumer(ChaosScripts.recorder, slow)
        rig.settle().also { it.record() }
    }

    /**
     * A timer publishing every 100 ms (QoS 1, clean session) across an 11 s broker outage; an
     * independent `mosquitto_sub` with a persistent session records what arrives. Published = the
     * highest number seen (a gap below it is a loss).
     */
    fun timerAcrossOutage(): Outcome = ChaosRig("timer-outage").use { rig ->
        MosquittoSub(rig.broker.port, "chaos/tick", qos = 1, id = "chaos-tick-watch").use { sub ->
            Thread.sleep(SUBSCRIBED_MS)
            rig.startConsumer(ChaosScripts.ticker, persistent = false)
            sub.awaitLines { it.size >= TICKS_BEFORE }
            rig.broker.stop()
            Thread.sleep(OUTAGE_MS)
            rig.broker.start()
            val atStart = sub.lines().size
            // The reconnect waits up to ~15 s (backoff); then ticks resume.
            sub.awaitLines(seconds = 90) { it.size >= atStart + OUTAGE_MS / TICK_MS + TICKS_AFTER }
            rig.killConsumer()
            Thread.sleep(SUBSCRIBED_MS)
            val lines = sub.lines().filter { it.isNotBlank() }
            val highest = lines.maxOfOrNull { it.toInt() } ?: 0
            Outcome("timer-outage", highest, lines).also { it.record() }
        }
    }

    /** Every 10th message throws: retried, then dead-lettered; the counts of both. */
    fun poison(): Pair<Outcome, List<String>> = ChaosRig("poison").use { rig ->
        MosquittoSub(rig.broker.port, "chaos/dead/#", qos = 1, id = "chaos-dead-watch").use { dead ->
            Thread.sleep(SUBSCRIBED_MS)
            val n = if (scale.full) 10_000 else 1_000
            rig.startConsumer(ChaosScripts.poison)
            rig.publish(n, 1)
            rig.awaitHandled(n - n / 10, seconds = 120)
            dead.awaitLines(seconds = 60) { it.size >= n / 10 }
            Thread.sleep(SUBSCRIBED_MS)
            val letters = dead.lines().filter { it.isNotBlank() }
            val outcome = Outcome(
                "poison",
                n,
                rig.handledLines(),
                expected = (1..n).filter { it % 10 != 0 },
                note = "${letters.size} dead letters (expected ${n / 10})",
            )
            outcome.record()
            outcome to letters
        }
    }

    /**
     * With `--outbox`, 50 QoS 1 publishes wait (stored) while the broker is down; mqttflow is killed
     * with SIGKILL; the broker and then mqttflow are started again: all 50 arrive.
     */
    fun outboxAcrossKill(): Outcome = ChaosRig("outbox-kill9").use { rig ->
        val outbox = rig.dir.resolve("outbox.db")
        val go = rig.dir.resolve("go")
        val env = mapOf("CHAOS_GO" to go.toString())
        rig.startConsumer(ChaosScripts.outboxFiller, env, false, "--outbox", outbox.toString())
        rig.broker.stop()
        Files.createFile(go)
        awaitRows(outbox, OUTBOX_MESSAGES)
        rig.killConsumer()
        Files.delete(go)
        rig.broker.start()
        MosquittoSub(rig.broker.port, "chaos/out", qos = 1).use { sub ->
            Thread.sleep(SUBSCRIBED_MS)
            rig.startConsumer(ChaosScripts.outboxFiller, env, false, "--outbox", outbox.toString())
            val lines = sub.awaitLines(seconds = 60) { it.toSet().size >= OUTBOX_MESSAGES }
            rig.killConsumer()
            Outcome("outbox-kill9", OUTBOX_MESSAGES, lines.filter { it.isNotBlank() }).also { it.record() }
        }
    }

    /** Rows in the outbox file, read as another process would (WAL allows it while mqttflow writes). */
    fun outboxRows(file: java.nio.file.Path): Int = DriverManager.getConnection("jdbc:sqlite:$file").use { db ->
        db.createStatement().use { st ->
            st.executeQuery("SELECT count(*) FROM mqttflow_outbox").use { rs ->
                rs.next()
                rs.getInt(1)
            }
        }
    }

    private fun awaitRows(file: java.nio.file.Path, n: Int) {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
        while (System.nanoTime() < deadline) {
            if (Files.exists(file) && runCatching { outboxRows(file) }.getOrDefault(0) >= n) return
            Thread.sleep(100)
        }
        error("the outbox $file did not reach $n rows (has ${runCatching { outboxRows(file) }.getOrNull()})")
    }

    private const val MID_STREAM_MS = 200L
    private const val SUBSCRIBED_MS = 1_000L
    private const val OUTAGE_MS = 11_000L
    private const val TICK_MS = 100L
    private const val TICKS_BEFORE = 20
    private const val TICKS_AFTER = 30
    private const val OUTBOX_MESSAGES = 50
}
