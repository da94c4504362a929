package dev.mqttflow.cli.it

import dev.mqttflow.cli.InProcessCli
import dev.mqttflow.cli.fixtures.Recorder
import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * Broker restarts mid-stream, with a Mosquitto of the test's own (stopped and started on the same
 * port): subscriptions come back, QoS 1 messages published after the restart all arrive, with a
 * persistent session those published while we were away arrive too, and when the reconnect retries
 * (`--reconnect-retries`; forever by default) run out the CLI stops every worker and exits 1 with one
 * error line.
 */
class ReconnectIT :
    FunSpec({
        fun run(port: Int, vararg args: String) =
            InProcessCli(listOf("run", "-H", "127.0.0.1", "-p", "$port") + args.toList()).start()

        fun expected(prefix: String, n: Int) = (1..n).map { "$prefix-$it" }.toSet()

        test("after a broker restart every subscription is back and QoS 1 messages published after it all arrive") {
            Mosquitto(extraConfig = "user root").use { broker ->
                Recorder.ticks.set(0)
                val cli = run(broker.port, "-r", "0", ECHO, TICKER)
                RawClient(broker.port).use { raw ->
                    raw.subscribe("echo/out/#")
                    raw.awaitEcho("before")
                }

                broker.stop()
                // Workers keep running while we are disconnected: the ticker's timer goes on.
                val ticksAtStop = Recorder.ticks.get()
                val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
                while (Recorder.ticks.get() < ticksAtStop + 20 && System.nanoTime() < deadline) Thread.sleep(50)
                Recorder.ticks.get() shouldBeGreaterThan ticksAtStop + 19
                broker.start()

                RawClient(broker.port).use { raw ->
                    raw.subscribe("echo/out/#")
                    raw.subscribe("echo/pong")
                    raw.awaitEcho("after")
                    (1..50).forEach { raw.publish("echo/in/after-$it", "m") }
                    raw.collectEchoes("after", 50) shouldBe expected("after", 50)
                    raw.publish("echo/ping", "second subscription")
                    raw.awaitMessage("echo/pong") shouldBe "second subscription"
                }
                cli.stop()
                cli.await().code shouldBe 0
            }
        }

        test("with a persistent session, QoS 1 messages published while we were away arrive after the restart") {
            val data = Files.createTempDirectory("mosquitto-data-")
            val config = "user root\npersistence true\npersistence_location $data/"
            Mosquitto(extraConfig = config).use { broker ->
                TcpProxy(broker.port).use { proxy ->
                    val cli = run(
                        proxy.port, "-c", "false", "--session-expiry", "300", "-i", "cli-persistent", "-r", "0", ECHO,
                    )
                    RawClient(broker.port).use { raw ->
                        raw.subscribe("echo/out/#")
                        raw.awaitEcho("before")
                    }

                    proxy.cut() // we are away ...
                    broker.stop() // ... and the broker restarts, keeping our session on disk
                    broker.start()
                    RawClient(broker.port).use { raw ->
                        raw.subscribe("echo/out/#")
                        (1..20).forEach { raw.publish("echo/in/away-$it", "m") }
                        proxy.open() // we come back: the broker delivers what it queued for us
                        raw.collectEchoes("away", 20) shouldBe expected("away", 20)
                        (1..20).forEach { raw.publish("echo/in/back-$it", "m") }
                        raw.collectEchoes("back", 20) shouldBe expected("back", 20)
                    }
                    cli.stop()
                    cli.await().code shouldBe 0
                }
            }
            data.toFile().deleteRecursively()
        }

        test("when the reconnect retries run out: every onDisconnect runs, one error line, exit code 1") {
            Mosquitto(extraConfig = "user root").use { broker ->
                Recorder.events.clear()
                val cli = run(broker.port, "--reconnect-retries", "2", ECHO)
                RawClient(broker.port).use { raw ->
                    raw.subscribe("echo/out/#")
                    raw.awaitEcho("before")
                }
                broker.stop()
                val result = cli.await()
                result.code shouldBe 1
                result.errorLines shouldHaveSize 1
                result.errorLines.single() shouldContain "lost the broker at 127.0.0.1:${broker.port}"
                result.errorLines.single() shouldContain "after 2 attempt(s)"
                Recorder.events.toList() shouldContain "echo: onDisconnect"
            }
        }
    })
