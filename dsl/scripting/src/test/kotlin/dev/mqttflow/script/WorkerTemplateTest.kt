package dev.mqttflow.script

import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** Issue 13: worker templates in scripts, and the warning of a master that reads params it has not got. */
class WorkerTemplateTest :
    FunSpec({
        val cache = ScriptCache(TestScripts.newCacheDir().toPath())
        val rooms = TestScripts.write(
            "rooms.mqtt.kts",
            """
            val room = workerTemplate("room") {
                onMessage("home/{room}/motion", qos = 1) { msg ->
                    publish("home/lights/${'$'}{params["room"]}/set", "on", qos = 1)
                }
            }

            mqttConsumer("house") {
                onConnect {
                    listOf("hall", "kitchen").forEachIndexed { i, r -> spawnWorker(i + 1, room, mapOf("room" to r)) }
                }
            }
            """,
        )

        test("a workerTemplate is not started with the script; the master spawns it per room") {
            val script = loadTestScript(rooms.path, cache = cache)
            script.consumers.map { it.name } shouldBe listOf("rooms:house")
            script.templates.map { it.name } shouldBe listOf("rooms:room")
            consumerTest(script.consumer("house")) {
                connect() shouldBe SpawnWorker(1, "rooms:room", mapOf("room" to "hall"))
                nextAction() shouldBe SpawnWorker(2, "rooms:room", mapOf("room" to "kitchen"))
                nextAction() shouldBe Subscribe("home/hall/motion", qos = 1)
                nextAction() shouldBe Subscribe("home/kitchen/motion", qos = 1)
                publish("home/kitchen/motion", "1", qos = 1)
                expectPublish("home/lights/kitchen/set", "on")
                expectNoAction()
            }
        }

        test("a master that reads a param it was not given is warned about, once") {
            val script = TestScripts.write(
                "lonely.mqtt.kts",
                """
                mqttConsumer("room") {
                    onConnect { subscribe("home/${'$'}{params["room"]}/#", qos = 1) }
                    onMessage { publish("seen", "${'$'}{params["room"]}") }
                }
                """,
            )
            val room = loadTestScript(script.path, cache = cache).consumer("room")
            LogCapture("mqttflow.worker").use { log ->
                consumerTest(room) {
                    connect() shouldBe Subscribe("home/null/#", qos = 1)
                    publish("home/null/x", "1")
                    expectPublish("seen", "null")
                }
                val warnings = generateSequence { log.events.tryReceive().getOrNull() }
                    .filter { it.level.toString() == "WARN" }.map { it.formattedMessage }.toList()
                warnings.size shouldBe 1
                warnings.single() shouldContain "runs as a master and has no params, but reads params[\"room\"]"
                warnings.single() shouldContain "workerTemplate"
            }
        }

        test("a template's name may not repeat a consumer's") {
            val twice = TestScripts.write(
                "twice.mqtt.kts",
                """
                workerTemplate("a") { }
                mqttConsumer("a") { }
                """,
            )
            val error = runCatching { loadTestScript(twice.path, cache = cache) }.exceptionOrNull()
            error?.message.orEmpty() shouldContain "defines consumer 'a' twice"
        }
    })
