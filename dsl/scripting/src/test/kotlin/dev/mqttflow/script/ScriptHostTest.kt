package dev.mqttflow.script

import dev.mqttflow.errors.ScriptException
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlin.time.Duration.Companion.milliseconds

class ScriptHostTest :
    FunSpec({
        val host = ScriptHost(cache = ScriptCache(TestScripts.newCacheDir().toPath()))

        test("a good script defines its consumers, named after the script, with no imports") {
            val file = TestScripts.write(
                "hall-light.mqtt.kts",
                """
                val room = "hall"
                mqttConsumer("lights") {
                    onConnect { subscribe("home/${'$'}room/motion", qos = 1) }
                    onMessage("home/{room}/motion") { msg ->
                        delay(1.milliseconds)
                        publish("home/lights/${'$'}{msg.vars["room"]}/set", "on", qos = 1)
                    }
                }
                mqttConsumer {
                    onConnect { subscribe("home/x") }
                    onMessage { msg ->
                        val watts = msg.json().jsonObject["watts"]?.jsonPrimitive?.double ?: 0.0
                        publishJson("home/alerts", buildJsonObject { put("watts", watts) })
                    }
                }
                """,
            )
            val script = host.load(file)
            script.name shouldBe "hall-light"
            script.consumers.map { it.name } shouldContainExactly listOf("hall-light:lights", "hall-light")

            consumerTest(script.consumer("lights")) {
                connect() shouldBe Subscribe("home/hall/motion", 1)
                publish("home/hall/motion", "1", qos = 1)
                expectNoAction() // the handler waits a millisecond of virtual time
                advanceTimeBy(1.milliseconds)
                expectPublish("home/lights/hall/set", "on").qos shouldBe 1
            }
            consumerTest(script.consumer("hall-light")) {
                connect()
                publish("home/x", """{"watts":3500}""")
                expectPublish("home/alerts", """{"watts":3500.0}""")
            }
        }

        test("a compile error is reported as file:line:col: error: message") {
            val file = TestScripts.write(
                "broken.mqtt.kts",
                """
                mqttConsumer("lights") {
                    onConnect { subscribe("home/hall/motion") }
                    onMessage {
                        publsh("home/lights/hall/set", "on")
                    }
                }
                """,
            )
            val result = host.compile(file)
            result.isSuccess shouldBe false
            result.errors.map { it.toString() } shouldContainExactly
                listOf("${file.path}:4:9: error: Unresolved reference 'publsh'")

            val e = shouldThrow<ScriptException> { host.load(file) }
            e.message shouldBe "${file.path}:4:9: error: Unresolved reference 'publsh'"
            (e.file to e.line to e.column) shouldBe (file.path to 4 to 9)
        }

        test("an exception thrown in a handler points at the script's file and line") {
            val file = TestScripts.write(
                "fragile.mqtt.kts",
                """
                mqttConsumer("meter") {
                    onConnect { subscribe("meter/#") }
                    onMessage { msg ->
                        publish("meter/parsed", msg.text.toInt())
                    }
                }
                """,
            )
            val meter = host.load(file).consumer("meter")
            lateinit var e: Throwable
            consumerTest(meter) {
                connect()
                publish("meter/a", "lots")
                e = failures.single().error
            }
            e.shouldBeInstanceOf<NumberFormatException>()
            val frame = e.stackTrace.first { it.fileName?.endsWith(".kts") == true }
            "${frame.fileName}:${frame.lineNumber}" shouldBe "fragile.mqtt.kts:4"
        }

        test("a script whose body throws fails to load, naming the line") {
            val file = TestScripts.write(
                "bad-body.mqtt.kts",
                """
                val threshold = System.getenv("NO_SUCH_VARIABLE_FOR_MQTTFLOW")
                    ?: error("set NO_SUCH_VARIABLE_FOR_MQTTFLOW")
                mqttConsumer { }
                """,
            )
            val e = shouldThrow<ScriptException> { host.load(file) }
            e.message shouldStartWith "${file.path}:2: error: the script threw"
            e.message shouldContain "set NO_SUCH_VARIABLE_FOR_MQTTFLOW"
            e.line shouldBe 2
        }

        test("mqttConsumer inside a handler is refused: consumers belong at the top level") {
            val file = TestScripts.write(
                "nested.mqtt.kts",
                """
                mqttConsumer("outer") {
                    onConnect { mqttConsumer("inner") { } }
                }
                """,
            )
            val outer = host.load(file).consumer("outer")
            lateinit var e: Throwable
            consumerTest(outer) {
                shouldThrow<AssertionError> { connect() }
                e = failures.single().error
            }
            e.shouldBeInstanceOf<IllegalStateException>()
            e.message shouldBe "mqttConsumer { } belongs at the top level of a script, not inside a handler"
        }

        test("env reads the environment the host was given") {
            val file = TestScripts.write(
                "settings.mqtt.kts",
                """
                val limit = env("LIMIT")?.toInt() ?: 1
                mqttConsumer("limit-${'$'}limit") { }
                """,
            )
            val custom = ScriptHost(host.cache, environment = mapOf("LIMIT" to "7"))
            custom.load(file).consumers.map { it.name } shouldContainExactly listOf("settings:limit-7")
        }

        test("two unnamed consumers in one script are refused with a hint") {
            val file = TestScripts.write(
                "twins.mqtt.kts",
                """
                mqttConsumer { }
                mqttConsumer { }
                """,
            )
            val e = shouldThrow<ScriptException> { host.load(file) }
            e.message shouldContain "script 'twins' has two unnamed mqttConsumer { } blocks; name them"
        }
    })
