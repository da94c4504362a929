package dev.mqttflow.cli

import dev.mqttflow.broker.EmbeddedBroker
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

private const val ECHO = "dev.mqttflow.cli.fixtures.FixturesKt#echo"

/** Each bad input: exit code 2 (usage) or 1 (runtime), and one error line naming the input and the cause. */
class BadInputTest :
    FunSpec({
        fun CliResult.shouldFailWith(code: Int, vararg fragments: String) {
            this.code shouldBe code
            errorLines shouldHaveSize 1
            err.lines().filter { it.isNotBlank() } shouldHaveSize 1
            fragments.forEach { errorLines.single() shouldContain it }
        }

        test("an unknown option") {
            cli("run", "--bogus", ECHO).shouldFailWith(2, "--bogus")
        }

        test("an unknown command") {
            cli("runn").shouldFailWith(2, "runn")
        }

        test("a bad port on the command line") {
            cli("run", "-p", "70000", ECHO).shouldFailWith(2, "-p", "port number")
            cli("run", "--port", "abc", ECHO).shouldFailWith(2, "--port", "port number")
        }

        test("a bad number, boolean or duration is quoted back, and a boolean lists every accepted word") {
            cli("run", "--port", "abc", ECHO).shouldFailWith(
                2,
                "invalid value for --port: expected a port number (1..65535), got 'abc'",
            )
            cli("run", "-c", "maybe", ECHO).shouldFailWith(
                2,
                "invalid value for -c: expected true/false, yes/no, on/off or 1/0, got 'maybe'",
            )
            cli("run", "--shutdown-timeout", "soon", ECHO).shouldFailWith(2, "got 'soon'")
        }

        test("a bad port in the environment names the variable") {
            cli(
                "run",
                ECHO,
                env = mapOf("MQTT_PORT" to "abc"),
            ).shouldFailWith(2, "MQTT_PORT (environment)", "port number")
        }

        test("a bad port in .env names the file and line") {
            val dir = Files.createTempDirectory("bad-")
            Files.writeString(dir.resolve(".env"), "MQTT_HOSTNAME=h\nMQTT_PORT=0\n")
            cli("run", ECHO, workDir = dir).shouldFailWith(2, "MQTT_PORT (.env:2)", "port number")
        }

        test("a bad value of another kind names its input") {
            cli("run", "-T", "carrier-pigeon", ECHO).shouldFailWith(2, "-T", "tcp or websockets")
            cli("run", ECHO, env = mapOf("MQTT_CLEAN" to "maybe")).shouldFailWith(2, "MQTT_CLEAN", "true/false")
            cli("run", "--protocol", "4", ECHO).shouldFailWith(2, "--protocol", "5 or 3.1.1")
            cli("run", "-v", "3", ECHO).shouldFailWith(2, "-v", "0, 1 or 2")
            cli("run", "--shutdown-timeout", "soon", ECHO).shouldFailWith(2, "--shutdown-timeout", "seconds")
        }

        test("an unreadable .env line names file:line and never shows the line") {
            val dir = Files.createTempDirectory("bad-")
            Files.writeString(dir.resolve(".env"), "MQTT_HOSTNAME=h\n# comment\nMQTT_PASSWORD s3cret\n")
            val result = cli("run", ECHO, workDir = dir)
            result.shouldFailWith(2, ".env:3", "KEY=VALUE")
            result.err shouldNotContain "s3cret"
        }

        test("a .env that cannot be read at all") {
            val dir = Files.createTempDirectory("bad-")
            Files.createDirectory(dir.resolve(".env"))
            cli("run", ECHO, workDir = dir).shouldFailWith(2, ".env", "cannot read")
        }

        test("a missing --env-file") {
            cli("run", "--env-file", "nope.env", ECHO).shouldFailWith(2, "--env-file", "not found")
        }

        test("a missing certificate file names the option and the file") {
            val key = Files.createTempFile("key", ".pem")
            cli("run", "-C", "/nonexistent/client.pem", "-K", key.toString(), ECHO)
                .shouldFailWith(2, "--cert", "file not found", "/nonexistent/client.pem")
            cli("run", ECHO, env = mapOf("TLS_CA" to "/nonexistent/ca.pem"))
                .shouldFailWith(2, "TLS_CA (environment)", "file not found")
        }

        test("a certificate without a key, or a key without a certificate") {
            val file = Files.createTempFile("pem", ".pem")
            cli("run", "-C", file.toString(), ECHO).shouldFailWith(2, "--cert", "without a client key")
            cli("run", ECHO, env = mapOf("TLS_KEY" to file.toString()))
                .shouldFailWith(2, "TLS_KEY (environment)", "without a client certificate")
        }

        test("a file that is not PEM is a usage error naming the file") {
            val notPem = Files.writeString(Files.createTempFile("ca", ".pem"), "hello\n")
            val port = EmbeddedBroker.freePort()
            cli("run", "-H", "127.0.0.1", "-p", "$port", "-S", notPem.toString(), ECHO)
                .shouldFailWith(2, "cacert", notPem.toString())
        }

        test("will settings without a will topic") {
            cli("run", "--will-payload", "gone", ECHO).shouldFailWith(2, "--will-payload", "will topic")
        }

        test("--embedded-broker with a host of its own") {
            cli("run", "--embedded-broker", "-H", "broker.local", ECHO).shouldFailWith(2, "--embedded-broker", "--host")
        }

        test("a target whose class is missing") {
            cli(
                "run",
                "com.example.Nope#lights",
            ).shouldFailWith(2, "com.example.Nope#lights", "no class com.example.Nope")
        }

        test("a target whose member is missing lists what the class has") {
            cli("run", "dev.mqttflow.cli.fixtures.FixturesKt#nope")
                .shouldFailWith(2, "FixturesKt#nope", "getNope()", "#echo", "#faulty")
        }

        test("a target that is not a consumer") {
            cli("run", "dev.mqttflow.cli.fixtures.FixturesKt#notAConsumer")
                .shouldFailWith(2, "#notAConsumer", "java.lang.String, not a Consumer")
        }

        test("a script target that is not there") {
            cli("run", "lights.mqtt.kts").shouldFailWith(2, "lights.mqtt.kts", "file not found")
        }

        test("no target at all") {
            cli("run").shouldFailWith(2, "TARGET")
        }

        test("a missing --classpath entry") {
            cli("run", "-cp", "/nonexistent/classes", ECHO).shouldFailWith(2, "--classpath", "/nonexistent/classes")
        }

        test("an unreachable broker is a runtime failure: one line, exit code 1") {
            val port = EmbeddedBroker.freePort()
            val result = cli("run", "-H", "127.0.0.1", "-p", "$port", "-r", "1", "-P", "s3cret", ECHO)
            result.shouldFailWith(1, "cannot connect to the broker at 127.0.0.1:$port after 1 attempt(s)")
            result.err shouldNotContain "s3cret"
        }

        test("a channel layer URL of an unknown kind, or a Redis nobody runs, is one line naming --layer") {
            cli("run", "--layer", "kafka://x", ECHO).shouldFailWith(2, "--layer", "unknown layer 'kafka://x'")
            val url = "redis://127.0.0.1:${EmbeddedBroker.freePort()}"
            cli("run", "--layer", url, ECHO).shouldFailWith(2, "--layer", "cannot reach Redis at $url")
        }

        test("a database URL that cannot be opened is one line naming --db-url, without its password") {
            val url = "jdbc:postgresql://127.0.0.1:${EmbeddedBroker.freePort()}/none?user=u&password=s3cret"
            val result = cli("run", "--db-url", url, ECHO)
            result.shouldFailWith(2, "--db-url", "cannot open database")
            result.err shouldNotContain "s3cret"
        }
    })
