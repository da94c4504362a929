package dev.mqttflow.dsl

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes

/** Turns a room's light on at motion and off after [offAfter] without motion. */
fun motionLight(offAfter: Duration = 5.minutes): Consumer {
    val offTimers = ConcurrentHashMap<String, Job>()
    return mqttConsumer("motion-light") {
        onConnect { subscribe("home/+/motion", qos = 1) }
        onMessage("home/{room}/motion") { msg ->
            val room = msg.vars.getValue("room")
            offTimers.remove(room)?.cancel()
            publish("home/lights/$room/set", "on", qos = 1)
            offTimers[room] = launch {
                delay(offAfter)
                publish("home/lights/$room/set", "off", qos = 1)
            }
        }
    }
}

class MotionLightTest :
    FunSpec({
        test("the light goes on at motion and off five minutes after the last motion") {
            consumerTest(motionLight()) {
                connect() shouldBe Subscribe("home/+/motion", qos = 1)

                publish("home/living/motion", "1")
                expectPublish("home/lights/living/set", "on")

                advanceTimeBy(4.minutes)
                publish("home/living/motion", "1") // motion again: the five minutes start over
                expectPublish("home/lights/living/set", "on")

                advanceTimeBy(4.minutes)
                expectNoAction()
                advanceTimeBy(1.minutes)
                expectPublish("home/lights/living/set", "off")
            }
        }

        test("each room has its own timer") {
            consumerTest(motionLight(offAfter = 2.minutes)) {
                connect()
                publish("home/kitchen/motion", "1")
                advanceTimeBy(1.minutes)
                publish("home/hall/motion", "1")
                advanceTimeBy(1.minutes)
                published.map { it.topic to it.text } shouldBe listOf(
                    "home/lights/kitchen/set" to "on",
                    "home/lights/hall/set" to "on",
                    "home/lights/kitchen/set" to "off",
                )
            }
        }
    })
