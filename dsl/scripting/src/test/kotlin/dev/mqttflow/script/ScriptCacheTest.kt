package dev.mqttflow.script

import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import java.nio.file.Paths
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.host.FileScriptSource
import kotlin.script.experimental.jvmhost.createJvmCompilationConfigurationFromTemplate

class ScriptCacheTest :
    FunSpec({
        val text = """
            mqttConsumer("echo") {
                onConnect { subscribe("echo/in") }
                onMessage { msg -> publish("echo/out", msg.text) }
            }
            """

        /** Runs the script's echo consumer in the test kit: it must echo. */
        fun LoadedScript.echoes() = consumerTest(consumer("echo")) {
            connect()
            publish("echo/in", "hi")
            expectPublish("echo/out", "hi")
        }

        test("loading an unchanged script again takes it from the cache without compiling") {
            val dir = TestScripts.newCacheDir().toPath()
            val file = TestScripts.write("echo.mqtt.kts", text)
            val first = ScriptHost(ScriptCache(dir))
            first.load(file).fromCache shouldBe false
            first.compilations shouldBe 1

            val cache = ScriptCache(dir)
            val second = ScriptHost(cache)
            val script = second.load(file)
            second.compilations shouldBe 0
            (cache.hits to cache.misses) shouldBe (1 to 0)
            script.fromCache shouldBe true
            script.echoes()
        }

        test("a new build of mqttflow does not reuse a script compiled by the old one") {
            val dir = TestScripts.newCacheDir().toPath()
            val file = TestScripts.write("echo.mqtt.kts", text)
            ScriptHost(ScriptCache(dir, buildId = "build-1")).load(file)

            val newBuild = ScriptCache(dir, buildId = "build-2")
            val host = ScriptHost(newBuild)
            val script = host.load(file)
            host.compilations shouldBe 1
            (newBuild.hits to newBuild.misses) shouldBe (0 to 1)
            script.fromCache shouldBe false
            script.echoes()

            val oldBuildAgain = ScriptCache(dir, buildId = "build-1")
            ScriptHost(oldBuildAgain).load(file).fromCache shouldBe true
        }

        test("an edited script is compiled again") {
            val dir = TestScripts.newCacheDir().toPath()
            val file = TestScripts.write("echo.mqtt.kts", text)
            ScriptHost(ScriptCache(dir)).load(file)
            file.appendText("// edited\n")
            val host = ScriptHost(ScriptCache(dir))
            host.load(file).fromCache shouldBe false
            host.compilations shouldBe 1
        }

        test("a damaged cache entry is compiled again and replaced") {
            val dir = TestScripts.newCacheDir().toPath()
            val file = TestScripts.write("echo.mqtt.kts", text)
            val cache = ScriptCache(dir)
            val jar = cache.jarFor(FileScriptSource(file, file.readText()), defaultConfiguration)
            jar.parentFile.mkdirs()
            jar.writeText("not a jar")
            val host = ScriptHost(cache)
            host.load(file).echoes()
            host.compilations shouldBe 1
            ScriptHost(ScriptCache(dir)).load(file).fromCache shouldBe true
        }

        test("the key changes with the text, the file name and the build, and with nothing else") {
            val cache = ScriptCache(TestScripts.newCacheDir().toPath(), buildId = "b")
            val a = TestScripts.write("a.mqtt.kts", text)
            val sameText = TestScripts.write("a.mqtt.kts", text)
            val renamed = TestScripts.write("b.mqtt.kts", text)
            fun key(file: java.io.File, c: ScriptCache = cache) =
                c.key(FileScriptSource(file, file.readText()), defaultConfiguration)
            key(sameText) shouldBe key(a)
            key(renamed) shouldNotBe key(a)
            key(a, ScriptCache(cache.directory, buildId = "c")) shouldNotBe key(a)
            a.appendText(" ")
            key(a) shouldNotBe key(sameText)
        }

        test("the compilation configuration renders the same in every process: no identity hashes") {
            val identity = Regex("@[0-9a-f]{5,}")
            defaultConfiguration.notTransientData.values
                .map { ScriptCache.stable(it) }
                .filter { identity.containsMatchIn(it) }
                .shouldBeEmpty()
        }

        test("the configuration built by hand is the one the @KotlinScript annotation gives") {
            val fromAnnotation = createJvmCompilationConfigurationFromTemplate<MqttFlowScript>()
            fun rendered(c: ScriptCompilationConfiguration) =
                c.notTransientData.entries.associate { it.key.name to ScriptCache.stable(it.value) }
            rendered(defaultConfiguration) shouldBe rendered(fromAnnotation)
        }

        test("the cache folder is MQTTFLOW_SCRIPT_CACHE, else XDG_CACHE_HOME/mqttflow, else ~/.cache/mqttflow") {
            val home = "/home/ada"
            listOf(
                ScriptCache.defaultDirectory(mapOf("MQTTFLOW_SCRIPT_CACHE" to "/x", "XDG_CACHE_HOME" to "/c"), home),
                ScriptCache.defaultDirectory(mapOf("XDG_CACHE_HOME" to "/c"), home),
                ScriptCache.defaultDirectory(emptyMap(), home),
            ) shouldContainExactly
                listOf(Paths.get("/x"), Paths.get("/c/mqttflow"), Paths.get("/home/ada/.cache/mqttflow"))
        }
    })
