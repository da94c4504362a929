package dev.mqttflow.cli

import dev.mqttflow.broker.EmbeddedBroker
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.writeText

/**
 * `mqttflow check` and scripts as `mqttflow run` TARGETs, in this JVM: compile errors as
 * `file:line:col: error: …` with exit code 2, before anything connects; the cache folder options.
 */
class ScriptCommandsTest :
    FunSpec({
        val good = """
            mqttConsumer("lights") {
                onConnect { subscribe("home/hall/motion", qos = 1) }
                onMessage { publish("home/lights/hall/set", "on", qos = 1) }
            }
        """.trimIndent() + "\n"
        // Line 4, column 9: `publsh`.
        val broken = """
            // hall-light.mqtt.kts
            mqttConsumer("lights") {
                onMessage {
                    publsh("home/lights/hall/set", "on", qos = 1)
                }
            }
        """.trimIndent() + "\n"

        /** A working directory holding the given scripts, and a cache folder of its own. */
        fun workDir(vararg scripts: Pair<String, String>): Path {
            val dir = Files.createTempDirectory("scripts-cli-")
            for ((name, text) in scripts) {
                Files.createDirectories(dir.resolve(name).parent)
                dir.resolve(name).writeText(text)
            }
            return dir
        }

        fun Path.jars(): List<Path> = if (Files.isDirectory(this)) listDirectoryEntries("*.jar") else emptyList()

        test("check: a script that compiles exits 0 and leaves its compiled jar in the cache") {
            val dir = workDir("hall-light.mqtt.kts" to good)
            val result = cli("check", "--script-cache", "cache", "hall-light.mqtt.kts", workDir = dir)
            result.code shouldBe 0
            result.err shouldBe ""
            result.out shouldContain "1 script(s) compiled without errors"
            dir.resolve("cache").jars() shouldHaveSize 1
        }

        test("check: a compile error is printed as file:line:col, as the script was named, and exits 2") {
            val dir = workDir("automations/hall-light.mqtt.kts" to broken)
            val result = cli("check", "--script-cache", "cache", "automations/hall-light.mqtt.kts", workDir = dir)
            result.code shouldBe 2
            result.err.lines().filter { it.isNotBlank() } shouldContainExactly listOf(
                "automations/hall-light.mqtt.kts:4:9: error: Unresolved reference 'publsh'",
            )
            dir.resolve("cache").jars().shouldBeEmpty()
        }

        test("check: every script is compiled, and only the broken ones are reported") {
            val dir = workDir("a.mqtt.kts" to good, "b.mqtt.kts" to broken, "c.mqtt.kts" to good)
            val result =
                cli("check", "--script-cache", "cache", "a.mqtt.kts", "b.mqtt.kts", "c.mqtt.kts", workDir = dir)
            result.code shouldBe 2
            result.err.lines().filter { it.isNotBlank() } shouldContainExactly listOf(
                "b.mqtt.kts:4:9: error: Unresolved reference 'publsh'",
            )
            dir.resolve("cache").jars() shouldHaveSize 2
        }

        test("check: literal invalid topic filters and patterns are errors at file:line:col, and exit 2") {
            val filters = """
                // a filter in a comment is not checked: subscribe("x/#/y")
                mqttConsumer("lights") {
                    onConnect {
                        val room = "hall"
                        subscribe("a/#/b", qos = 1)
                        subscribe("home/${'$'}room/#", qos = 1)
                        subscribe(filter = "sport+", qos = 0)
                    }
                    onMessage("home/{room}/#/x") { }
                    onMessage("home/{room}/motion") { }
                }
            """.trimIndent() + "\n"
            val dir = workDir("lights.mqtt.kts" to filters)
            val result = cli("check", "--script-cache", "cache", "lights.mqtt.kts", workDir = dir)
            result.code shouldBe 2
            result.err.lines().filter { it.isNotBlank() } shouldContainExactly listOf(
                "lights.mqtt.kts:5:19: error: invalid topic filter 'a/#/b' in subscribe(…): '#' must be the last level",
                "lights.mqtt.kts:7:28: error: invalid topic filter 'sport+' in subscribe(…): " +
                    "'+' must occupy a whole level",
                "lights.mqtt.kts:9:15: error: invalid topic pattern 'home/{room}/#/x' in onMessage(…): " +
                    "'#' must be the last level",
            )
        }

        test("check: a second check takes the script from the cache and writes nothing") {
            val dir = workDir("hall-light.mqtt.kts" to good)
            cli("check", "--script-cache", "cache", "hall-light.mqtt.kts", workDir = dir).code shouldBe 0
            val jar = dir.resolve("cache").jars().single()
            val written = Files.getLastModifiedTime(jar)
            cli("check", "--script-cache", "cache", "hall-light.mqtt.kts", workDir = dir).code shouldBe 0
            dir.resolve("cache").jars() shouldContainExactly listOf(jar)
            Files.getLastModifiedTime(jar) shouldBe written
        }

        test("check: the cache folder comes from MQTTFLOW_SCRIPT_CACHE, in the environment or .env") {
            val dir = workDir("hall-light.mqtt.kts" to good)
            val fromEnv = dir.resolve("env-cache")
            cli("check", "hall-light.mqtt.kts", env = mapOf("MQTTFLOW_SCRIPT_CACHE" to "$fromEnv"), workDir = dir)
                .code shouldBe 0
            fromEnv.jars() shouldHaveSize 1

            dir.resolve(".env").writeText("MQTTFLOW_SCRIPT_CACHE=dotenv-cache\n")
            cli("check", "hall-light.mqtt.kts", workDir = dir).code shouldBe 0
            dir.resolve("dotenv-cache").jars() shouldHaveSize 1
        }

        test("check: bad input is a usage error of one line") {
            val dir = workDir()
            cli("check", workDir = dir).let {
                it.code shouldBe 2
                it.errorLines.single() shouldContain "missing argument FILE"
            }
            cli("check", "--script-cache", "c", "missing.mqtt.kts", workDir = dir).let {
                it.code shouldBe 2
                it.errorLines.single() shouldContain "target 'missing.mqtt.kts': file not found"
            }
            cli("check", "com.example.LightsKt#lights", workDir = dir).let {
                it.code shouldBe 2
                it.errorLines.single() shouldContain "not a script; script names end in .mqtt.kts"
            }
        }

        test("run: a compile error is printed before anything connects, and exits 2") {
            val dir = workDir("hall-light.mqtt.kts" to broken)
            val nobody = EmbeddedBroker.freePort()
            val result = cli(
                "run", "-H", "127.0.0.1", "-p", "$nobody", "-r", "1", "--script-cache", "cache",
                "hall-light.mqtt.kts", "dev.mqttflow.cli.fixtures.FixturesKt#echo",
                workDir = dir,
            )
            result.code shouldBe 2
            result.err.lines().filter { it.isNotBlank() } shouldContainExactly listOf(
                "hall-light.mqtt.kts:4:9: error: Unresolved reference 'publsh'",
            )
            result.err shouldNotContain "cannot connect"
        }

        test("run: a script whose body throws names its line, and exits 2 before connecting") {
            val dir = workDir(
                "settings.mqtt.kts" to
                    "val threshold = env(\"THRESHOLD\")\n    ?: error(\"set THRESHOLD\")\nmqttConsumer { }\n",
            )
            val nobody = EmbeddedBroker.freePort()
            val result = cli(
                "run", "-H", "127.0.0.1", "-p", "$nobody", "-r", "1", "--script-cache", "cache", "settings.mqtt.kts",
                workDir = dir,
            )
            result.code shouldBe 2
            result.err.trim() shouldBe
                "settings.mqtt.kts:2: error: the script threw java.lang.IllegalStateException: set THRESHOLD"
        }

        test("run: --watch without a script TARGET is a usage error") {
            cli("run", "--watch", "dev.mqttflow.cli.fixtures.FixturesKt#echo").let {
                it.code shouldBe 2
                it.errorLines.single() shouldContain "--watch watches .mqtt.kts scripts"
            }
        }

        test("--print-config shows the script cache and where it came from") {
            val out = cli("run", "--print-config", "--script-cache", "/tmp/sc").out
            out.lines().single { it.startsWith("script-cache") } shouldContain "command line (--script-cache)"
        }
    })
