package dev.mqttflow.cli.it

import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlin.io.path.writeText

/**
 * `mqttflow run x.mqtt.kts` in a JVM of its own, as a user runs it: the script's consumers work,
 * a handler that throws is logged with the script's file and line, a second start takes the
 * compiled script from the cache, and `--watch` swaps an edited script's consumers.
 */
class ScriptCliIT :
    FunSpec({
        val broker = Mosquitto()
        afterSpec { broker.close() }
        val cache = Files.createTempDirectory("script-cache-")

        fun cli(workDir: Path, vararg args: String) = ChildCli(
            listOf("run", "-H", "127.0.0.1", "-p", "${broker.port}", "--shutdown-timeout", "5") + args,
            env = mapOf("MQTTFLOW_SCRIPT_CACHE" to "$cache"),
            workDir = workDir,
        )

        fun ChildCli.awaitErr(fragment: String, seconds: Long = 60) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
            while (fragment !in err() && System.nanoTime() < deadline && process.isAlive) Thread.sleep(100)
            err() shouldContain fragment
        }

        val meter = """
            mqttConsumer("meter") {
                onConnect { subscribe("sc/meter", qos = 1); publish("sc/status", "ready", qos = 1) }
                onMessage { msg ->
                    publish("sc/parsed", msg.text.toInt().toString(), qos = 1)
                }
                onDisconnect { publish("sc/status", "bye", qos = 1) }
            }
        """.trimIndent() + "\n"

        test("a script runs; a handler that throws is logged at the script's line; SIGTERM exits 0") {
            val dir = Files.createTempDirectory("script-run-")
            dir.resolve("meter.mqtt.kts").writeText(meter)
            RawClient(broker.port).use { raw ->
                raw.subscribe("sc/#")
                cli(dir, "meter.mqtt.kts").use { child ->
                    raw.awaitMessage("sc/status", 90) shouldBe "ready"
                    child.err() shouldContain "meter.mqtt.kts: compiled in"
                    raw.publish("sc/meter", "12")
                    raw.awaitMessage("sc/parsed") shouldBe "12"
                    raw.publish("sc/meter", "lots")
                    child.awaitErr("worker 'meter:meter': onMessage threw on topic 'sc/meter' at meter.mqtt.kts:4")
                    child.err() shouldContain "java.lang.NumberFormatException"

                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                    raw.awaitMessage("sc/status") shouldBe "bye"
                }
            }
        }

        test("a handler's exception made on another thread names the handler and its registration line") {
            // The HTTP client fails on its own thread: in a plain JVM (no coroutine stack-trace recovery,
            // which -ea turns on in test JVMs) the ConnectException has no frame in the script.
            val remote = """
                import kotlinx.coroutines.future.await
                mqttConsumer("advisor") {
                    onConnect { subscribe("sr/ask", qos = 1); publish("sr/status", "ready", qos = 1) }
                    onMessage("sr/{what}") { msg ->
                        val closed = java.net.ServerSocket(0).use { it.localPort }
                        val request = java.net.http.HttpRequest.newBuilder(
                            java.net.URI("http://127.0.0.1:${'$'}closed/ask"),
                        ).build()
                        java.net.http.HttpClient.newHttpClient()
                            .sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString()).await()
                    }
                }
            """.trimIndent() + "\n"
            val dir = Files.createTempDirectory("script-remote-")
            dir.resolve("remote.mqtt.kts").writeText(remote)
            RawClient(broker.port).use { raw ->
                raw.subscribe("sr/status")
                cli(dir, "remote.mqtt.kts").use { child ->
                    raw.awaitMessage("sr/status", 90) shouldBe "ready"
                    raw.publish("sr/ask", "?")
                    child.awaitErr(
                        "Suppressed: dev.mqttflow.dsl.HandlerRegistration: while running onMessage(\"sr/{what}\") " +
                            "of consumer 'remote:advisor', registered at remote.mqtt.kts:4",
                    )
                    child.err() shouldContain "worker 'remote:advisor': onMessage threw on topic 'sr/ask'"
                    child.err() shouldContain "java.net.ConnectException"
                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                }
            }
        }

        test("a master whose onConnect subscription is refused ends the run: one clear line, exit 1") {
            // The filter is built at run time, so `check` cannot see it; the broker never hears of it.
            val refused = """
                mqttConsumer("lights") {
                    onConnect { subscribe(listOf("a", "#", "b").joinToString("/"), qos = 1) }
                    onMessage { }
                }
            """.trimIndent() + "\n"
            val dir = Files.createTempDirectory("script-refused-")
            dir.resolve("refused.mqtt.kts").writeText(refused)
            cli(dir, "refused.mqtt.kts").use { child ->
                child.awaitExitCode(120) shouldBe 1
                child.err() shouldContain "mqttflow: error: no consumer is running any more"
                child.err() shouldContain "a/#/b"
            }
        }

        test("a second start takes the compiled script from the cache") {
            val dir = Files.createTempDirectory("script-cached-")
            dir.resolve("meter.mqtt.kts").writeText(meter)
            RawClient(broker.port).use { raw ->
                raw.subscribe("sc/status")
                cli(dir, "meter.mqtt.kts").use { child ->
                    raw.awaitMessage("sc/status", 90) shouldBe "ready"
                    child.err() shouldContain "meter.mqtt.kts: taken from the script cache"
                    child.err() shouldNotContain "compiled in"
                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                }
            }
        }

        test("--watch: an edit swaps the script's consumers, a broken edit keeps them running") {
            fun version(v: String) = """
                mqttConsumer("echo") {
                    onConnect { subscribe("sw/ping", qos = 1); publish("sw/status", "ready $v", qos = 1) }
                    onMessage { publish("sw/pong", "$v", qos = 1) }
                    onDisconnect { publish("sw/status", "bye $v", qos = 1) }
                }
            """.trimIndent() + "\n"
            val dir = Files.createTempDirectory("script-watch-")
            val script = dir.resolve("echo.mqtt.kts")
            script.writeText(version("v1"))
            RawClient(broker.port).use { raw ->
                raw.subscribe("sw/status")
                raw.subscribe("sw/pong")
                cli(dir, "--watch", "echo.mqtt.kts", ECHO).use { child ->
                    raw.awaitMessage("sw/status", 90) shouldBe "ready v1"
                    raw.publish("sw/ping", "?")
                    raw.awaitMessage("sw/pong") shouldBe "v1"

                    script.writeText(version("v2"))
                    raw.awaitMessage("sw/status", 60) shouldBe "bye v1"
                    raw.awaitMessage("sw/status") shouldBe "ready v2"
                    child.awaitErr("reloaded echo.mqtt.kts in")
                    raw.publish("sw/ping", "?")
                    raw.awaitMessage("sw/pong") shouldBe "v2"

                    script.writeText("mqttConsumer(\"echo\") { onMessage { publsh(\"x\", \"y\") } }\n")
                    child.awaitErr("echo.mqtt.kts:1:36: error: Unresolved reference 'publsh'")
                    child.awaitErr("echo.mqtt.kts: not reloaded; the previous version keeps running")
                    raw.publish("sw/ping", "?")
                    raw.awaitMessage("sw/pong") shouldBe "v2"

                    child.terminate()
                    child.awaitExitCode(30) shouldBe 0
                    raw.awaitMessage("sw/status") shouldBe "bye v2"
                }
            }
        }
    })
