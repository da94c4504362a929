package dev.mqttflow.samples.layer

import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.samples.lights.lightTopic
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.io.ByteArrayInputStream
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.minutes

class OverridableLightsTest :
    FunSpec({
        test("an override sent from outside any consumer switches the light and holds it against motion") {
            consumerTest(overridableLights()) {
                connect() shouldBe Subscribe("home/+/motion", qos = 1)
                publish("home/hall/motion", "1")
                expectPublish(lightTopic("hall"), "on")

                // Not a consumer: a plain coroutine with the layer, as main's command reader is.
                val sent = mutableListOf<String>()
                launch { sendCommands(flowOf("hall off 10"), layer, report = { sent += it }) }
                runCurrent()
                expectPublish(lightTopic("hall"), "off")
                sent shouldBe listOf("sent LightsOverride(room=hall, on=false, minutes=10) to group 'lights'")

                advanceTimeBy(9.minutes)
                publish("home/hall/motion", "1") // held: ignored
                publish("home/kitchen/motion", "1") // another room: not held
                expectPublish(lightTopic("kitchen"), "on")
                advanceTimeBy(1.minutes)
                publish("home/hall/motion", "1")
                expectPublish(lightTopic("hall"), "on")
            }
        }

        test("the worker renews its group membership, so overrides still arrive days later") {
            consumerTest(overridableLights()) {
                connect()
                advanceTimeBy(3.days) // group membership lapses after a day unless renewed
                launch { sendCommands(flowOf("attic on"), layer, report = {}) }
                runCurrent()
                expectPublish(lightTopic("attic"), "on")
            }
        }

        test("an override is a layer message of type lights.override, whoever sends it") {
            consumerTest(overridableLights()) {
                connect()
                send(LayerMessage.fromJson("""{"type":"lights.override","room":"cellar","on":false}"""))
                expectPublish(lightTopic("cellar"), "off")
                sendTyped(LightsOverride("cellar", on = true, minutes = 0))
                expectPublish(lightTopic("cellar"), "on")
                publish("home/cellar/motion", "1") // held for 0 minutes: motion works again at once
                expectPublish(lightTopic("cellar"), "on")
            }
        }

        test("commands are ROOM on|off [MINUTES]; anything else is answered with the usage") {
            parseCommand("hall off") shouldBe LightsOverride("hall", on = false)
            parseCommand("  kitchen ON 5 ") shouldBe LightsOverride("kitchen", on = true, minutes = 5)
            listOf(
                "hall",
                "hall dim",
                "hall off soon",
                "hall off -1",
                "a/b off",
                "hall off 5 now",
            ).map(::parseCommand) shouldBe
                List(6) { null }
            val said = mutableListOf<String>()
            consumerTest(overridableLights()) {
                connect()
                launch { sendCommands(flowOf("", "hall dim"), layer, report = { said += it }) }
                runCurrent()
                expectNoAction()
            }
            said shouldContainExactly listOf(
                "not a command: 'hall dim'; type ROOM on|off [MINUTES], e.g. 'hall off' or 'kitchen on 10'",
            )
        }

        test("the override's wire form is Channels' shape") {
            LayerMessage.of(LightsOverride("hall", on = false)).toJson() shouldBe
                """{"room":"hall","on":false,"minutes":30,"type":"lights.override"}"""
        }

        test("standard input is read line by line until it ends") {
            val input = ByteArrayInputStream("hall off\nkitchen on 5\n".toByteArray())
            runBlocking { stdinLines(input).toList() } shouldBe listOf("hall off", "kitchen on 5")
        }
    })
