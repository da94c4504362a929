package dev.mqttflow.dsl

import dev.mqttflow.consumer.publish
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.serialization.Serializable
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

@Serializable
data class Presses(val count: Int, val last: String)

/** A state of a plain number, held above [limit] for ten minutes: `alert` = `warm`, then `` when released. */
private fun warmAlert(limit: Double = -10.0) = mqttConsumer("freezer") {
    val freezer = state("freezer/temperature") { it.text.toDouble() }
    onHeld(freezer, { it > limit }, forAtLeast = 10.minutes) { publish("alert", "warm ${freezer.value}", qos = 1) }
    onReleased(freezer) { publish("alert", "", qos = 1) }
    onMessage("freezer/since") { publish("since", freezer.since.toString()) }
    onConnect { subscribe("freezer/since") }
}

/** What the consumer published on [topic], in order (the action log also holds its subscribes). */
private fun dev.mqttflow.testing.ConsumerTestScope.out(topic: String): List<String> =
    published.filter { it.topic == topic }.map { it.text }

class AutomationTest :
    FunSpec({
        test("a state subscribes for itself and fills from the retained message") {
            consumerTest(warmAlert()) {
                broker.publish("freezer/temperature", "-18.5", qos = 1, retain = true)
                connect()
                subscriptions shouldBe mapOf("freezer/temperature" to 1, "freezer/since" to 0)
                publish("freezer/since", "?")
                out("since") shouldBe listOf("2025-01-01T00:00:00Z")
            }
        }

        test("onHeld fires once after the condition held for its time, onReleased when it ends") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1)
                advanceTimeBy(5.minutes)
                publish("freezer/temperature", "-7", qos = 1) // still warm: the count goes on
                advanceTimeBy(5.minutes - 1.seconds)
                published.filter { it.topic == "alert" }.shouldBeEmpty()
                advanceTimeBy(1.seconds)
                out("alert") shouldBe listOf("warm -7.0")
                advanceTimeBy(30.minutes)
                publish("freezer/temperature", "-6", qos = 1)
                out("alert") shouldBe listOf("warm -7.0") // fired once per spell
                publish("freezer/temperature", "-15", qos = 1)
                out("alert") shouldBe listOf("warm -7.0", "")
            }
        }

        test("a break resets the count; a spell shorter than forAtLeast never fires") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1)
                advanceTimeBy(9.minutes)
                publish("freezer/temperature", "-12", qos = 1)
                advanceTimeBy(1.minutes)
                publish("freezer/temperature", "-9", qos = 1)
                advanceTimeBy(9.minutes)
                out("alert").shouldBeEmpty()
                advanceTimeBy(1.minutes)
                out("alert") shouldBe listOf("warm -9.0")
            }
        }

        test("restart() in the middle of a held state counts the time held before it") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1, retain = true)
                advanceTimeBy(6.minutes)
                restart(downFor = 1.minutes) // the retained -8 comes back; 7 minutes held so far
                advanceTimeBy(3.minutes - 1.seconds)
                published.filter { it.topic == "alert" }.shouldBeEmpty()
                advanceTimeBy(1.seconds)
                published.single { it.topic == "alert" }.text shouldBe "warm -8.0"
                publish("freezer/since", "?")
                published.last().text shouldBe "2025-01-01T00:00:00Z" // unchanged value: since survived
                restart() // fired before the restart: cooling down afterwards still clears it
                publish("freezer/temperature", "-20", qos = 1, retain = true)
                published.last { it.topic == "alert" }.text shouldBe ""
            }
        }

        test("the held deadline passing while down fires at the start, once the retained value refilled the state") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1, retain = true)
                advanceTimeBy(2.minutes)
                restart(downFor = 30.minutes)
                runCurrent()
                // overdue: it came due before the retained -8 was back, and waited for it
                out("alert") shouldBe listOf("warm -8.0")
                advanceTimeBy(1.minutes)
                out("alert") shouldBe listOf("warm -8.0")
            }
        }

        test("an overdue held deadline with no retained value to wait for fires after a bound, value null") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1) // not retained: nothing refills the state
                advanceTimeBy(2.minutes)
                restart(downFor = 30.minutes)
                runCurrent()
                out("alert").shouldBeEmpty()
                advanceTimeBy(29.seconds) // the bound is 30 s
                out("alert").shouldBeEmpty()
                advanceTimeBy(1.seconds)
                runCurrent()
                out("alert") shouldBe listOf("warm null")
            }
        }

        test("an overdue held deadline waiting at the start is dropped when the first value no longer holds") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1)
                advanceTimeBy(2.minutes)
                restart(downFor = 30.minutes)
                advanceTimeBy(10.seconds)
                out("alert").shouldBeEmpty()
                publish("freezer/temperature", "-20", qos = 1) // cold now: the condition no longer holds
                advanceTimeBy(30.seconds)
                out("alert").shouldBeEmpty()
            }
        }

        test("an unreadable payload keeps the last value and is logged") {
            consumerTest(warmAlert()) {
                connect()
                publish("freezer/temperature", "-8", qos = 1)
                publish("freezer/temperature", "warm-ish", qos = 1)
                advanceTimeBy(10.minutes)
                out("alert") shouldBe listOf("warm -8.0")
                failures.shouldBeEmpty()
            }
        }

        test("kv values are typed and survive a restart") {
            val presses = mqttConsumer("presses") {
                val store = kv("buttons")
                onConnect { subscribe("button/+", qos = 1) }
                onMessage("button/{id}") { msg ->
                    val id = msg.vars.getValue("id")
                    val before = store.get<Presses>(id)?.count ?: 0
                    store.put(id, Presses(before + 1, msg.text))
                    publish("presses/$id", store.get<Presses>(id).toString())
                }
            }
            consumerTest(presses) {
                connect()
                publish("button/a", "short", qos = 1)
                restart()
                publish("button/a", "long", qos = 1)
                out("presses/a") shouldBe listOf("Presses(count=1, last=short)", "Presses(count=2, last=long)")
                store.keys("presses", "buttons") shouldBe listOf("a")
            }
        }

        test("the hall-light script: a restart in the middle of a pending timer turns the light off on time") {
            consumerTest(hallLight) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                advanceTimeBy(3.minutes)
                store.timers("hall-light:hall-light").map { it.key } shouldBe listOf("hall")
                restart()
                advanceTimeBy(2.minutes - 1.seconds)
                out("home/lights/hall/set") shouldBe listOf("on")
                advanceTimeBy(1.seconds)
                out("home/lights/hall/set") shouldBe listOf("on", "off")
                advanceTimeBy(30.minutes)
                out("home/lights/hall/set") shouldBe listOf("on", "off")
                store.timers("hall-light:hall-light").shouldBeEmpty()
            }
        }

        test("the freezer script: the alert after ten warm minutes across a restart, cleared when cold") {
            consumerTest(freezerScript) {
                connect()
                publish("zigbee2mqtt/freezer", """{"temperature": -7.5, "linkquality": 80}""", qos = 1, retain = true)
                advanceTimeBy(4.minutes)
                restart(downFor = 2.minutes)
                advanceTimeBy(4.minutes - 1.seconds)
                retained("alerts/freezer") shouldBe null
                advanceTimeBy(1.seconds)
                retained("alerts/freezer")?.text shouldBe "warm: -7.5 °C"
                publish("zigbee2mqtt/freezer", """{"temperature": -19.0}""", qos = 1, retain = true)
                retained("alerts/freezer") shouldBe null
            }
        }

        test("a timer declared twice is refused naming it") {
            val error = runCatching {
                mqttConsumer("twice") {
                    timer("off") { _: String -> }
                    timer("off") { _: String -> }
                }
            }.exceptionOrNull()
            error?.message.orEmpty() shouldContain "declares timer 'off' twice"
            Instant.parse("2025-01-01T00:00:00Z").toString() shouldContain "2025"
        }
    }) {
    private companion object {
        val scripts = dev.mqttflow.script.ScriptCache(java.nio.file.Files.createTempDirectory("auto-scripts"))
        val hallLight by lazy {
            dev.mqttflow.script.loadTestScript("../../samples/scripts/automations/hall-light.mqtt.kts", cache = scripts)
                .consumer("hall-light")
        }
        val freezerScript by lazy {
            dev.mqttflow.script.loadTestScript("../../samples/scripts/automations/freezer.mqtt.kts", cache = scripts)
                .consumer("freezer")
        }
    }
}
