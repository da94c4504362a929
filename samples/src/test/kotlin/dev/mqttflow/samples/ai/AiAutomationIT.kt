package dev.mqttflow.samples.ai

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.nio.file.Files

class AiAutomationIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val dir = Files.createTempDirectory("ai-it")
        afterSpec {
            broker.close()
            dir.toFile().deleteRecursively()
        }

        // A stand-in for Claude: no network. Hot readings ask for the AC, plus two publishes the guard must refuse.
        val advisor = Advisor { reading ->
            check(reading.payload != "broken") { "advisor down" }
            if (reading.payload.toDouble() > 25) {
                listOf(
                    Suggestion("home/livingroom/ac/set", "on for ${reading.topic}"),
                    Suggestion("home/sensors/echo", "loop"),
                    Suggestion("garage/door", "open"),
                )
            } else {
                emptyList()
            }
        }

        test("the advisor's suggestions are published, refused ones are not, and failures do not stop it") {
            sqliteIn(dir).use { db ->
                runSampleFlow(broker, db, aiAutomation(advisor, AiSettings())) { raw ->
                    raw.subscribe("home/livingroom/#")
                    raw.subscribe("home/sensors/echo")
                    raw.subscribe("garage/#")
                    raw.publish("home/sensors/livingroom/temperature", "28")
                    raw.next() shouldBe ("home/livingroom/ac/set" to "on for home/sensors/livingroom/temperature")
                    raw.publish("home/sensors/livingroom/temperature", "29") // within a minute: not asked again
                    raw.publish("home/sensors/broken", "broken")
                    raw.publish("home/sensors/kitchen/temperature", "18")
                    raw.publish("home/sensors/bedroom/temperature", "27")
                    raw.next() shouldBe ("home/livingroom/ac/set" to "on for home/sensors/bedroom/temperature")
                }
            }
        }
    })
