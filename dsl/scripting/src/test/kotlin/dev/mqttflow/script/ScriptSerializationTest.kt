package dev.mqttflow.script

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldEndWith
import kotlinx.serialization.SerializationException
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.compilerOptions
import kotlin.script.experimental.api.with
import kotlin.script.experimental.host.FileScriptSource
import kotlin.time.Duration.Companion.seconds

/**
 * Scripts compile with the kotlinx.serialization compiler plugin: a `@Serializable` class declared in
 * a `.mqtt.kts` gets its serializer, `msg.decode<T>()` reads a payload into it, and the plugin is
 * part of the compiled-script cache key.
 */
class ScriptSerializationTest :
    FunSpec({
        val host = ScriptHost(cache = ScriptCache(TestScripts.newCacheDir().toPath()))

        val readings = """
            @Serializable
            data class Reading(val temperature: Double, val room: String = "unknown")

            @Serializable
            data class Alert(val room: String, val warm: Boolean)

            mqttConsumer("freezer") {
                onMessage("sensors/{id}", qos = 1) { msg ->
                    val r = msg.decode<Reading>()
                    val alert = Alert(r.room, warm = r.temperature > -10.0)
                    publish("alerts/${'$'}{r.room}", Json.encodeToString(alert), qos = 1)
                    publish("explicit", Json.encodeToString(serializer<Alert>(), alert))
                }
            }
        """

        test("a @Serializable class declared in a script decodes a payload and encodes an answer") {
            val script = host.load(TestScripts.write("readings.mqtt.kts", readings))
            dev.mqttflow.testing.consumerTest(script.consumer("freezer")) {
                connect()
                // Keys the class does not declare (devices send more) are ignored; a default fills a missing one.
                publish("sensors/1", """{"temperature":-4.5,"room":"cellar","battery":97}""", qos = 1)
                publish("sensors/2", """{"temperature":-18}""", qos = 1)
                runCurrent()
                val cellar = """{"room":"cellar","warm":true}"""
                val unknown = """{"room":"unknown","warm":false}"""
                published.map { it.topic to it.text } shouldContainExactly listOf(
                    "alerts/cellar" to cellar,
                    "explicit" to cellar,
                    "alerts/unknown" to unknown,
                    "explicit" to unknown,
                )
            }
        }

        test("a payload that does not fit names the topic and the type") {
            val script = host.load(TestScripts.write("readings.mqtt.kts", readings))
            dev.mqttflow.testing.consumerTest(script.consumer("freezer")) {
                connect()
                publish("sensors/7", """{"room":"hall"}""", qos = 1)
                runCurrent()
                val e = failures.first().error
                (e is SerializationException) shouldBe true
                e.message shouldContain "cannot decode the payload on topic 'sensors/7' as "
                e.message shouldContain "Reading"
                e.message shouldContain "temperature"
            }
        }

        test("script classes are kv values and typed timer arguments, across a restart") {
            val presses = TestScripts.write(
                "presses.mqtt.kts",
                """
                @Serializable data class Presses(val count: Int, val last: String)

                mqttConsumer("presses") {
                    val store = kv("buttons")
                    val report = timer<Presses>("report") { p ->
                        publish("report", "${'$'}{p.count} ${'$'}{p.last}", qos = 1)
                    }
                    onConnect { subscribe("button/+", qos = 1) }
                    onMessage("button/{id}") { msg ->
                        val id = msg.vars.getValue("id")
                        val now = Presses((store.get<Presses>(id)?.count ?: 0) + 1, msg.text)
                        store.put(id, now)
                        report.restart(id, 1.minutes, now)
                    }
                }
                """,
            )
            val consumer = loadTestScript(presses.path, cache = ScriptCache(TestScripts.newCacheDir().toPath()))
                .consumer("presses")
            dev.mqttflow.testing.consumerTest(consumer) {
                connect()
                publish("button/a", "short", qos = 1)
                publish("button/a", "long", qos = 1)
                advanceTimeBy(30.seconds)
                restart()
                advanceTimeBy(30.seconds)
                runCurrent()
                published.filter { it.topic == "report" }.map { it.text } shouldContainExactly listOf("2 long")
            }
        }

        test("the plugin is the serialization plugin jar of the compiler's Kotlin version, and part of the cache key") {
            val plugin = ScriptCompilerPlugins.serializationPlugin()
            plugin.name shouldEndWith "${KotlinVersion.CURRENT}.jar"
            plugin.name shouldContain "kotlin-serialization-compiler-plugin"
            MqttFlowScriptCompilation[ScriptCompilationConfiguration.compilerOptions] shouldBe
                listOf("-Xplugin=${plugin.absolutePath}")

            val cache = ScriptCache(TestScripts.newCacheDir().toPath(), buildId = "b")
            val file = TestScripts.write("readings.mqtt.kts", readings)
            val source = FileScriptSource(file, file.readText())
            val otherPlugin = MqttFlowScriptCompilation.with {
                compilerOptions("-Xplugin=/elsewhere/kotlin-serialization-compiler-plugin-embeddable-9.9.9.jar")
            }
            cache.key(source, otherPlugin) shouldNotBe cache.key(source, MqttFlowScriptCompilation)
        }
    })
