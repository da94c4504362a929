package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.concurrent.TimeUnit

/**
 * The quick start in a JVM of its own ends promptly on SIGTERM and SIGINT: the embedded broker's
 * graceful stop (about 4 s of HiveMQ's fixed quiet periods) no longer holds the process after
 * `runtime: stopped`. The bound is generous for a loaded machine and still below that old tail.
 */
class QuickStartExitIT :
    FunSpec({
        fun ChildCli.awaitOut(fragment: String) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
            while (fragment !in out() && System.nanoTime() < deadline) Thread.sleep(100)
            out() shouldContain fragment
        }

        /** Starts the quick start, waits until it serves, sends [signal]; returns the ms from signal to exit. */
        fun stopTime(signal: String): Long {
            val port = EmbeddedBroker.freePort()
            ChildCli(listOf("quickstart", "-p", "$port", "--no-demo")).use { child ->
                child.awaitOut("send motion with: mosquitto_pub")
                val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
                while ("runtime: connected" !in child.err() && System.nanoTime() < deadline) Thread.sleep(100)
                val started = System.nanoTime()
                ProcessBuilder("kill", "-$signal", "${child.process.pid()}").start().waitFor()
                child.awaitExitCode(30) shouldBe 0
                val elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)
                child.err() shouldContain "runtime: stopped"
                return elapsed
            }
        }

        test("the quick start exits within a few seconds of SIGTERM") {
            stopTime("TERM") shouldBeLessThan STOP_BOUND_MS
        }

        test("the quick start exits within a few seconds of SIGINT") {
            stopTime("INT") shouldBeLessThan STOP_BOUND_MS
        }
    }) {
    private companion object {
        /** The whole stop; HiveMQ's graceful stop alone took 4 s or more. */
        const val STOP_BOUND_MS = 3_000L
    }
}
