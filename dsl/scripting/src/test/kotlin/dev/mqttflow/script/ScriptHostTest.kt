package dev.mqttflow.script

import dev.mqttflow.errors.ScriptException
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith

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

            val lights = script.consumer("lights")
            val context = RecordingContext()
            lights.onConnect(context)
            lights.onMessage(context, Message("home/hall/motion", "1".encodeToByteArray()))
            script.consumer(
                "hall-light",
            ).onMessage(context, Message("home/x", """{"watts":3500}""".encodeToByteArray()))
            context.actions shouldContainExactly listOf(
                Subscribe("home/hall/motion", 1),
                Publish("home/lights/hall/set", "on", qos = 1),
                Publish("home/alerts", """{"watts":3500.0}"""),
            )
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
            val e = shouldThrow<NumberFormatException> {
                meter.onMessage(RecordingContext(), Message("meter/a", "lots".encodeToByteArray()))
            }
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
            val e = shouldThrow<IllegalStateException> { outer.onConnect(RecordingContext()) }
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
