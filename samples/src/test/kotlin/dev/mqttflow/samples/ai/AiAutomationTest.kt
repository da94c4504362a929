package dev.mqttflow.samples.ai

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** A stand-in for Claude that records what it was asked and answers from [answer]. */
private class ScriptedAdvisor(private val answer: suspend (SensorReading) -> List<Suggestion>) : Advisor {
    val asked = mutableListOf<SensorReading>()

    override suspend fun advise(reading: SensorReading): List<Suggestion> {
        asked += reading
        return answer(reading)
    }
}

class AiAutomationTest :
    FunSpec({
        test("the advisor's suggestions are published, in order, at the consumer's QoS") {
            val advisor = ScriptedAdvisor {
                listOf(Suggestion("home/livingroom/ac/set", "on"), Suggestion("home/livingroom/blinds/set", "down"))
            }
            consumerTest(aiAutomation(advisor, AiSettings())) {
                connect() shouldBe Subscribe("home/sensors/#", qos = 1)
                publish("home/sensors/livingroom/temperature", "31.5", qos = 1)
                expectPublish("home/livingroom/ac/set", "on").qos shouldBe 1
                expectPublish("home/livingroom/blinds/set", "down")
                advisor.asked shouldContainExactly listOf(SensorReading("home/sensors/livingroom/temperature", "31.5"))
            }
        }

        test("a sensor is asked about at most once a minute, by virtual time") {
            val advisor = ScriptedAdvisor { listOf(Suggestion("home/fan/set", it.payload)) }
            consumerTest(aiAutomation(advisor, AiSettings())) {
                connect()
                publish("home/sensors/attic/temperature", "30")
                expectPublish("home/fan/set", "30")
                advanceTimeBy(59.seconds)
                publish("home/sensors/attic/temperature", "31") // within the minute: not asked
                publish("home/sensors/cellar/temperature", "12") // another sensor: asked
                expectPublish("home/fan/set", "12")
                advanceTimeBy(1.seconds)
                publish("home/sensors/attic/temperature", "32")
                expectPublish("home/fan/set", "32")
                advisor.asked.map { it.payload } shouldContainExactly listOf("30", "12", "32")
            }
        }

        test("publishes outside the allowed prefixes, back into the sensors, or with wildcards are refused") {
            val advisor = ScriptedAdvisor {
                listOf(
                    Suggestion("garage/door", "open"),
                    Suggestion("home/sensors/echo", "loop"),
                    Suggestion("home/+/set", "on"),
                    Suggestion("home/hall/light/set", "on"),
                )
            }
            consumerTest(aiAutomation(advisor, AiSettings())) {
                connect()
                publish("home/sensors/hall/motion", "1")
                expectPublish("home/hall/light/set", "on")
                expectNoAction()
            }
        }

        test("a failing advisor publishes nothing and does not stop the consumer") {
            val advisor =
                ScriptedAdvisor {
                    check(it.payload != "broken") { "advisor down" }
                    listOf(Suggestion("home/ok", "yes"))
                }
            consumerTest(aiAutomation(advisor, AiSettings())) {
                connect()
                publish("home/sensors/a", "broken")
                expectNoAction()
                publish("home/sensors/b", "fine")
                expectPublish("home/ok", "yes")
                failures.shouldBeEmpty()
            }
        }

        test("a slow advisor holds only its own answer back, in virtual time") {
            val advisor = ScriptedAdvisor {
                delay(800.milliseconds) // the API call
                listOf(Suggestion("home/heater/set", "off"))
            }
            consumerTest(aiAutomation(advisor, AiSettings(minInterval = 1.minutes))) {
                connect()
                publish("home/sensors/bedroom/temperature", "25")
                expectNoAction()
                advanceTimeBy(800.milliseconds)
                expectPublish("home/heater/set", "off")
            }
        }

        test("the guard allows device topics under the allowed prefixes and says why it refuses others") {
            val guard = TopicGuard(listOf("home/"), forbiddenFilter = "home/sensors/#")
            guard.refusal("home/livingroom/ac/set") shouldBe null
            guard.refusal("garage/door")!! shouldContain "not under home/"
            guard.refusal("home/sensors/x")!! shouldContain "feed back"
            guard.refusal("home/+/set")!! shouldContain "wildcard"
        }
    })
