package dev.mqttflow.samples.scripts

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** samples/scripts/motion-lights.mqtt.kts with the test kit, in virtual time. */
class MotionLightsScriptTest :
    FunSpec({
        // Loaded in real time, outside consumerTest; each test evaluates the script afresh.
        fun lights(env: Map<String, String> = emptyMap()) =
            sampleScript("motion-lights.mqtt.kts", env).consumer("lights")

        test("the light goes off five quiet minutes after the last motion, not a millisecond earlier") {
            val lights = lights()
            consumerTest(lights) {
                connect() shouldBe Subscribe("home/+/motion", qos = 1)
                publish("home/hall/motion", "1")
                expectPublish("home/lights/hall/set", "on")
                advanceTimeBy(4.minutes)
                publish("home/hall/motion", "1") // restarts the timer
                expectPublish("home/lights/hall/set", "on")
                advanceTimeBy(5.minutes - 1.milliseconds)
                expectNoAction()
                advanceTimeBy(1.milliseconds)
                expectPublish("home/lights/hall/set", "off")
                currentTime shouldBe 9.minutes.inWholeMilliseconds
            }
        }

        test("each room has its own timer, and 'no motion' payloads are ignored") {
            val lights = lights()
            consumerTest(lights) {
                connect()
                publish("home/hall/motion", "1")
                expectPublish("home/lights/hall/set", "on")
                advanceTimeBy(2.minutes)
                publish("home/porch/motion", "true")
                expectPublish("home/lights/porch/set", "on")
                publish("home/hall/motion", "0")
                publish("home/hall/motion", "OFF")
                expectNoAction()
                advanceTimeBy(3.minutes)
                expectPublish("home/lights/hall/set", "off")
                advanceTimeBy(2.minutes)
                expectPublish("home/lights/porch/set", "off")
                expectNoAction()
            }
        }

        test("MOTION_LIGHTS_QUIET sets the quiet period") {
            val lights = lights(mapOf("MOTION_LIGHTS_QUIET" to "90s"))
            consumerTest(lights) {
                connect()
                publish("home/attic/motion", "1")
                expectPublish("home/lights/attic/set", "on")
                advanceTimeBy(90.seconds)
                expectPublish("home/lights/attic/set", "off")
            }
        }
    })
