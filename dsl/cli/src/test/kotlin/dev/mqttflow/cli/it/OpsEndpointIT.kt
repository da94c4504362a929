package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.double
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * Issue 17 end to end: `mqttflow run --http --log-format json` in a JVM of its own against a
 * Mosquitto of the test's: `/metrics` parsed by the Prometheus client's own text parser (Python's
 * `prometheus_client`), health following the broker down and back, the status page loaded in a
 * real headless Chromium (with a screenshot in target/), and JSON log lines carrying the MDC.
 */
class OpsEndpointIT :
    FunSpec({
        val http = HttpClient.newHttpClient()

        fun get(url: String): HttpResponse<String> =
            http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())

        fun waitFor(what: String, seconds: Long = 60, check: () -> Boolean) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
            while (System.nanoTime() < deadline) {
                if (runCatching(check).getOrDefault(false)) return
                Thread.sleep(100)
            }
            error("not within $seconds s: $what")
        }

        fun run(command: List<String>, input: String? = null): String {
            val errFile = Files.createTempFile("ops-it-", ".err").toFile()
            val process = ProcessBuilder(command).redirectError(errFile).start()
            process.outputStream.use { stdin -> input?.let { stdin.write(it.toByteArray()) } }
            val out = process.inputStream.readAllBytes().decodeToString()
            check(process.waitFor(180, TimeUnit.SECONDS)) { "$command did not finish" }
            check(process.exitValue() == 0) { "$command exited ${process.exitValue()}: ${errFile.readText()}" }
            return out
        }

        /** Every sample of a Prometheus text page, as the Prometheus client's parser reads it. */
        fun parsePrometheus(text: String): List<JsonObject> {
            val script = Files.createTempFile("parse_prometheus", ".py")
            val source = OpsEndpointIT::class.java.getResourceAsStream("/ops/parse_prometheus.py")!!
            source.use { Files.copy(it, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING) }
            val json = run(listOf("/usr/bin/python3", script.toString()), text)
            return Json.parseToJsonElement(json).jsonArray.map { it.jsonObject }
        }

        fun List<JsonObject>.value(name: String, vararg labels: Pair<String, String>): Double = single { s ->
            s["name"]!!.jsonPrimitive.content == name &&
                labels.all { (k, v) -> s["labels"]!!.jsonObject[k]?.jsonPrimitive?.content == v }
        }["value"]!!.jsonPrimitive.double

        test("metrics parse as Prometheus text, health follows the broker, the status page shows it all in Chromium") {
            Mosquitto().use { broker ->
                val port = EmbeddedBroker.freePort()
                val base = "http://127.0.0.1:$port"
                val args = listOf("run", "-H", "127.0.0.1", "-p", "${broker.port}") +
                    listOf("--http", "$port", "--log-format", "json")
                ChildCli(args + listOf(ECHO, FAULTY)).use { cli ->
                    waitFor("ready: ${cli.err()}") { get("$base/health/ready").statusCode() == 200 }
                    get("$base/health/ready").body() shouldContain "\"ready\":true"
                    val n = 40
                    RawClient(broker.port).use { raw ->
                        raw.subscribe("echo/out/#")
                        (1..n).forEach { raw.publish("echo/in/m-$it", "x") }
                        raw.collectEchoes("m", n) shouldBe (1..n).map { "m-$it" }.toSet()
                        raw.publish("faulty/in", "boom")
                    }
                    val failureText = "faulty consumer throws on purpose"
                    waitFor("the failure on the page") { get(base).body().contains(failureText) }

                    val response = get("$base/metrics")
                    response.headers().firstValue("Content-Type").get() shouldContain "text/plain"
                    val samples = parsePrometheus(response.body())
                    val echo = "consumer" to "echo"
                    samples.value("mqttflow_messages_received_total", echo, "qos" to "1") shouldBe n.toDouble()
                    samples.value("mqttflow_handler_duration_seconds_count", echo, "outcome" to "success") shouldBe
                        n.toDouble()
                    val faultyOnMessage = arrayOf("consumer" to "faulty", "handler" to "onMessage")
                    samples.value("mqttflow_handler_failures_total", *faultyOnMessage) shouldBe 1.0
                    samples.value("mqttflow_deliveries_unacknowledged") shouldBe 0.0
                    samples.value("mqttflow_connection_connected") shouldBe 1.0
                    samples.value("mqttflow_workers_alive") shouldBe 2.0

                    // The status page, in a real browser.
                    val target = Path.of("target").toAbsolutePath().also { Files.createDirectories(it) }
                    val profile = Files.createTempDirectory("chromium-profile-")
                    val chromium = listOf(
                        "chromium",
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--user-data-dir=$profile",
                        "--window-size=1100,900",
                    )
                    val dom = run(chromium + listOf("--dump-dom", base))
                    dom shouldContain "<table id=\"workers\">"
                    for (shown in listOf("echo", "faulty", "echo/in/#", "echo/ping", "faulty/in", failureText)) {
                        dom shouldContain shown
                    }
                    dom shouldContain "connected</b>"
                    run(chromium + listOf("--screenshot=${target.resolve("status-page.png")}", base))
                    Files.size(target.resolve("status-page.png")) shouldBeGreaterThan 10_000L

                    // Health follows the broker.
                    broker.stop()
                    waitFor("not ready") { get("$base/health/ready").statusCode() == 503 }
                    val down = Json.parseToJsonElement(get("$base/health/ready").body()).jsonObject
                    down["reasons"]!!.jsonArray.single().jsonPrimitive.content shouldContain
                        "disconnected from 127.0.0.1:${broker.port}"
                    get("$base/health/live").statusCode() shouldBe 200
                    broker.start()
                    waitFor("ready after the reconnect") { get("$base/health/ready").statusCode() == 200 }

                    cli.terminate()
                    cli.awaitExitCode() shouldBe 0
                    // JSON log lines, one object each (from the first on: the format is set once the
                    // command line is read), with the handler's MDC.
                    val lines = cli.err().lines().filter { it.isNotBlank() }.dropWhile { !it.startsWith("{") }
                    val objects = lines.map { Json.parseToJsonElement(it).jsonObject }
                    val failure = objects.first {
                        it["formattedMessage"]?.jsonPrimitive?.content?.contains("threw on topic") == true
                    }
                    failure["mdc"]!!.jsonObject["worker"]!!.jsonPrimitive.content shouldBe "faulty"
                    failure["mdc"]!!.jsonObject["topic"]!!.jsonPrimitive.content shouldBe "faulty/in"
                    objects.map { it["level"]!!.jsonPrimitive.content } shouldContain "INFO"
                }
            }
        }
    })
