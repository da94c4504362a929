package dev.mqttflow.script

import dev.mqttflow.errors.ScriptException
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes

/** Scripts under the test kit: loaded in real time with [loadTestScript], tested in virtual time. */
class ScriptKitTest :
    FunSpec({
        val cache = ScriptCache(TestScripts.newCacheDir().toPath())
        val hallLight = TestScripts.write(
            "hall-light.mqtt.kts",
            """
            val quiet = env("QUIET")?.let { Duration.parse(it) } ?: 5.minutes

            mqttConsumer("lights") {
                var timer: Job? = null
                onConnect { subscribe("home/hall/motion", qos = 1) }
                onMessage { msg ->
                    publish("home/lights/hall/set", "on", qos = 1)
                    timer?.cancel()
                    timer = launch {
                        delay(quiet)
                        publish("home/lights/hall/set", "off", qos = 1)
                    }
                }
            }
            """,
        )

        test("a script's consumer runs in virtual time: the light goes off five quiet minutes after motion") {
            val lights = loadTestScript(hallLight.path, cache = cache).consumer("lights")
            consumerTest(lights) {
                connect() shouldBe Subscribe("home/hall/motion", qos = 1)
                publish("home/hall/motion", "1")
                expectPublish("home/lights/hall/set", "on")
                advanceTimeBy(5.minutes - 1.milliseconds)
                expectNoAction()
                advanceTimeBy(1.milliseconds)
                expectPublish("home/lights/hall/set", "off")
            }
        }

        test("the test's environment is all env() sees, and each load has state of its own") {
            val first = loadTestScript(hallLight.path, mapOf("QUIET" to "30s"), cache).consumer("lights")
            val second = loadTestScript(hallLight.path, mapOf("QUIET" to "30s"), cache).consumer("lights")
            (first === second) shouldBe false
            consumerTest(second) {
                connect()
                publish("home/hall/motion", "1")
                expectPublish("home/lights/hall/set", "on")
                advanceTimeBy(0.5.minutes)
                expectPublish("home/lights/hall/set", "off")
            }
            cache.misses shouldBe 1
        }

        test("a handler that throws is a failure whose stack trace points at the script's line") {
            val fragile = TestScripts.write(
                "fragile.mqtt.kts",
                """
                mqttConsumer {
                    onConnect { subscribe("meter", qos = 1) }
                    onMessage { msg ->
                        publish("parsed", msg.text.toInt(), qos = 1)
                    }
                }
                """,
            )
            val meter = loadTestScript(fragile.path, cache = cache).consumer("fragile")
            consumerTest(meter) {
                connect()
                publish("meter", "lots")
                failures shouldHaveSize 1
                val frame = failures.single().error.stackTrace.first { it.fileName?.endsWith(".kts") == true }
                "${frame.fileName}:${frame.lineNumber}" shouldBe "fragile.mqtt.kts:4"
            }
        }

        test("a script that does not compile fails to load with file:line:col, before any test runs") {
            val broken = TestScripts.write("broken.mqtt.kts", "mqttConsumer {\n    onConnect { subscrib(\"x\") }\n}")
            val e = shouldThrow<ScriptException> { loadTestScript(broken.path, cache = cache) }
            e.message shouldContain "${broken.path}:2:17: error: Unresolved reference 'subscrib'"
        }
    })
