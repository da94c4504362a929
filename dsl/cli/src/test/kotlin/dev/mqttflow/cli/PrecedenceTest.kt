package dev.mqttflow.cli

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

class PrecedenceTest :
    FunSpec({
        /** `--print-config`'s rows: key -> (value, source). */
        fun printConfig(
            vararg args: String,
            env: Map<String, String> = emptyMap(),
            dotEnv: String? = null,
        ): Map<String, Pair<String, String>> {
            val dir = Files.createTempDirectory("precedence-")
            if (dotEnv != null) Files.writeString(dir.resolve(".env"), dotEnv.trimIndent() + "\n")
            val result = cli("run", "--print-config", *args, env = env, workDir = dir)
            result.code shouldBe 0
            return result.out.lines().filter { it.isNotBlank() && !it.startsWith("#") }.associate { line ->
                val parts = line.split(Regex("\\s+"), limit = 3)
                parts[0] to (parts[1] to parts.getOrElse(2) { "" })
            }
        }

        test("with nothing set, every value is its default") {
            val rows = printConfig()
            rows["host"] shouldBe ("localhost" to "default")
            rows["port"] shouldBe ("1883" to "default")
            rows["cleansession"] shouldBe ("true" to "default")
            rows["retries"] shouldBe ("3" to "default")
            rows["id"] shouldBe ("(generated)" to "")
        }

        test(".env beats the default") {
            printConfig(dotEnv = "# broker\nMQTT_HOSTNAME=from-dotenv")["host"] shouldBe
                ("from-dotenv" to ".env:2 (MQTT_HOSTNAME)")
        }

        test("the environment beats .env") {
            printConfig(
                env = mapOf("MQTT_HOSTNAME" to "from-env"),
                dotEnv = "MQTT_HOSTNAME=from-dotenv",
            )["host"] shouldBe
                ("from-env" to "environment (MQTT_HOSTNAME)")
        }

        test("the command line beats the environment and .env") {
            val rows = printConfig(
                "-H",
                "from-cli",
                env = mapOf("MQTT_HOSTNAME" to "from-env"),
                dotEnv = "MQTT_HOSTNAME=from-dotenv",
            )
            rows["host"] shouldBe ("from-cli" to "command line (--host)")
        }

        test("each setting takes its own highest layer") {
            val rows = printConfig(
                "--retries",
                "0",
                env = mapOf("MQTT_PORT" to "1999", "MQTT_RETRIES" to "7"),
                dotEnv = """
                    MQTT_PORT=1888
                    MQTT_CLIENT_ID=kitchen
                    MQTT_CLEAN=false
                    MQTT_SESSION_EXPIRY=300
                """,
            )
            rows["retries"] shouldBe ("0" to "command line (--retries)")
            rows["port"] shouldBe ("1999" to "environment (MQTT_PORT)")
            rows["id"] shouldBe ("kitchen" to ".env:2 (MQTT_CLIENT_ID)")
            rows["cleansession"] shouldBe ("false" to ".env:3 (MQTT_CLEAN)")
            rows["session-expiry"] shouldBe ("5m" to ".env:4 (MQTT_SESSION_EXPIRY)")
            rows["host"] shouldBe ("localhost" to "default")
        }

        test("an empty environment value counts as unset") {
            printConfig(env = mapOf("MQTT_HOSTNAME" to ""), dotEnv = "MQTT_HOSTNAME=from-dotenv")["host"] shouldBe
                ("from-dotenv" to ".env:1 (MQTT_HOSTNAME)")
        }

        test("the password is masked wherever it comes from") {
            val dir = Files.createTempDirectory("precedence-")
            Files.writeString(dir.resolve(".env"), "MQTT_PASSWORD=dotenv-s3cret\n")
            val fromDotEnv = cli("run", "--print-config", workDir = dir)
            fromDotEnv.out shouldNotContain "s3cret"
            val fromCli = cli("run", "--print-config", "-P", "cli-s3cret", env = mapOf("MQTT_PASSWORD" to "env-s3cret"))
            fromCli.out shouldNotContain "s3cret"
            printConfig("-P", "cli-s3cret")["password"] shouldBe ("****" to "command line (--password)")
        }

        test("TLS from the environment moves the default port to 8883") {
            printConfig(env = mapOf("MQTT_USE_SSL" to "true"))["port"] shouldBe ("8883" to "default (8883 with TLS)")
            printConfig(env = mapOf("MQTT_USE_SSL" to "true"))["use-ssl"] shouldBe
                ("true" to "environment (MQTT_USE_SSL)")
        }

        test("flags on the command line beat the environment") {
            printConfig("--use-ssl", env = mapOf("MQTT_USE_SSL" to "false"))["use-ssl"] shouldBe
                ("true" to "command line (--use-ssl)")
        }

        test("mqttasgi's short flags work") {
            val flags = "-H h -p 1 -U u -c false -v 2 -i id -T websockets -r 9".split(" ")
            val rows = printConfig(*flags.toTypedArray())
            rows.mapValues { it.value.first }.filterKeys {
                it in setOf("host", "port", "username", "cleansession", "verbosity", "id", "transport", "retries")
            } shouldBe mapOf(
                "host" to "h",
                "port" to "1",
                "username" to "u",
                "cleansession" to "false",
                "verbosity" to "2",
                "id" to "id",
                "transport" to "websockets",
                "retries" to "9",
            )
        }

        test("--env-file reads another file") {
            val dir = Files.createTempDirectory("precedence-")
            Files.writeString(dir.resolve("broker.env"), "MQTT_HOSTNAME=from-broker-env\n")
            Files.writeString(dir.resolve(".env"), "MQTT_HOSTNAME=from-dotenv\n")
            val result = cli("run", "--print-config", "--env-file", "broker.env", workDir = dir)
            result.out.lines().first { it.startsWith("host ") }.split(Regex("\\s+"), limit = 3) shouldBe
                listOf("host", "from-broker-env", "broker.env:1 (MQTT_HOSTNAME)")
        }

        test("--layer and --db-url follow the same precedence, and a password inside a URL is masked") {
            printConfig()["layer"] shouldBe ("memory://" to "default")
            printConfig(env = mapOf("MQTTFLOW_LAYER" to "redis://h:6379"))["layer"] shouldBe
                ("redis://h:6379" to "environment (MQTTFLOW_LAYER)")
            val db = printConfig(
                "--db-url",
                "jdbc:postgresql://db/app?user=u&password=s3cret",
                dotEnv = "MQTTFLOW_DB_URL=jdbc:sqlite:other.db",
            )["db-url"]
            db shouldBe ("jdbc:postgresql://db/app?user=u&password=****" to "command line (--db-url)")
            printConfig("--layer", "redis://:pw@h:6379")["layer"]!!.first shouldBe "redis://:****@h:6379"
        }

        test("--print-config hides a password holding '@' or '/', and pwd= parameters, as the framework's errors do") {
            printConfig("--layer", "redis://u:p@ss/w0rd@h:6379")["layer"]!!.first shouldBe "redis://u:****@h:6379"
            printConfig("--db-url", "jdbc:mysql://db/app?user=u&pwd=s3cret")["db-url"]!!.first shouldBe
                "jdbc:mysql://db/app?user=u&pwd=****"
        }
    })
