package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.util.concurrent.TimeUnit

/**
 * SIGTERM to the real CLI in a JVM of its own: every worker's onDisconnect runs, the handler in
 * flight finishes, and the process exits 0 — also after a consumer has thrown (mqttasgi hangs there).
 */
class ShutdownIT :
    FunSpec({
        val broker = Mosquitto(extraConfig = "user root")
        afterSpec { broker.close() }

        fun cli(vararg args: String) =
            ChildCli(listOf("run", "-H", "127.0.0.1", "-p", "${broker.port}", "--shutdown-timeout", "5") + args)

        /** Waits for every topic in [topics] (in any order); returns what arrived on them. */
        fun RawClient.awaitAll(vararg topics: String): Map<String, String> {
            val got = mutableMapOf<String, String>()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            while (!got.keys.containsAll(topics.toList()) && System.nanoTime() < deadline) {
                val (topic, payload) = received.poll(250, TimeUnit.MILLISECONDS) ?: continue
                if (topic in topics) got[topic] = payload
            }
            return got
        }

        fun ChildCli.awaitErr(fragment: String) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
            while (fragment !in err() && System.nanoTime() < deadline) Thread.sleep(100)
            err() shouldContain fragment
        }

        test("SIGTERM after a consumer has thrown: every onDisconnect runs and the exit code is 0") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("faulty/#")
                raw.subscribe("echo/bye")
                cli(FAULTY, ECHO).use { child ->
                    raw.awaitMessage("faulty/out") shouldBe "ready"
                    raw.publish("faulty/in", "boom")
                    raw.awaitMessage("faulty/out") shouldBe "throwing"
                    child.awaitErr("onMessage threw")

                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                    raw.awaitAll("faulty/bye", "echo/bye") shouldBe
                        mapOf("faulty/bye" to "bye", "echo/bye" to "echo stopped")
                    child.out() shouldContain "faulty: onDisconnect ran"
                }
            }
        }

        test("SIGTERM lets the handler in flight finish before onDisconnect, then exits 0") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("faulty/#")
                cli(FAULTY).use { child ->
                    raw.awaitMessage("faulty/out") shouldBe "ready"
                    raw.publish("faulty/in", "slow")
                    raw.awaitMessage("faulty/out") shouldBe "started"

                    child.terminate()
                    raw.awaitMessage("faulty/out") shouldBe "finished"
                    raw.awaitMessage("faulty/bye") shouldBe "bye"
                    child.awaitExitCode(30) shouldBe 0
                }
            }
        }

        test("SIGTERM while still trying to reach the broker exits 0") {
            val nobody = EmbeddedBroker.freePort()
            ChildCli(listOf("run", "-H", "127.0.0.1", "-p", "$nobody", "-r", "0", ECHO)).use { child ->
                child.awaitErr("connecting to 127.0.0.1:$nobody failed")
                child.terminate()
                child.awaitExitCode(30) shouldBe 0
            }
        }
    })
