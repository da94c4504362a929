package dev.mqttflow.samples.scripts

import dev.mqttflow.broker.EmbeddedBroker
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe

class MotionLightsScriptIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        afterSpec { broker.close() }
        // A short quiet period, so that the lights go off within the test.
        val script = loadSampleScript("motion-lights.mqtt.kts", mapOf("MOTION_LIGHTS_QUIET" to "300ms"))

        test("the script defines one consumer, motion-lights:lights") {
            script.consumers.map { it.name } shouldContainExactly listOf("motion-lights:lights")
        }

        test("motion turns a room's light on, and it goes off after the quiet period") {
            withScript(broker, script, "home/lights/#") { peer ->
                peer.publish("home/hall/motion", "1")
                peer.next() shouldBe ("home/lights/hall/set" to "on")
                peer.next() shouldBe ("home/lights/hall/set" to "off")
            }
        }

        test("'no motion' payloads are ignored") {
            withScript(broker, script, "home/lights/#") { peer ->
                peer.publish("home/hall/motion", "0")
                peer.publish("home/hall/motion", "OFF")
                // Messages of one worker are handled in order: had "0" or "OFF" done anything, it would come first.
                peer.publish("home/porch/motion", "1")
                peer.next() shouldBe ("home/lights/porch/set" to "on")
                peer.next() shouldBe ("home/lights/porch/set" to "off")
            }
        }
    })
