package dev.mqttflow.samples.lights

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.jetbrains.exposed.v1.jdbc.selectAll
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

class MotionLightsTest :
    FunSpec({
        val start = Instant.parse("2026-03-01T18:00:00Z")

        test("motion turns the light on, and it goes off five minutes after the last motion") {
            consumerTest(motionLights(MotionLightsSettings()), startTime = start) {
                connect() shouldBe Subscribe("home/+/motion", qos = 1)

                publish("home/hall/motion", "1", qos = 1)
                expectPublish("home/lights/hall/set", "on")

                advanceTimeBy(4.minutes)
                publish("home/hall/motion", "1", qos = 1) // motion again: the five minutes start over
                expectPublish("home/lights/hall/set", "on")

                advanceTimeBy(4.minutes)
                expectNoAction()
                advanceTimeBy(1.minutes)
                expectPublish("home/lights/hall/set", "off")
                currentTime shouldBe 9.minutes.inWholeMilliseconds
            }
        }

        test("every motion event is stored with its room and the time of the consumer's clock") {
            consumerTest(motionLights(MotionLightsSettings()), startTime = start) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                advanceTimeBy(30.seconds)
                publish("home/kitchen/motion", "true", qos = 1)
                val rows = database.transaction {
                    MotionEvents.selectAll().map { it[MotionEvents.room] to it[MotionEvents.atEpochMs] }
                }
                rows shouldContainExactly listOf(
                    "hall" to start.toEpochMilliseconds(),
                    "kitchen" to (start + 30.seconds).toEpochMilliseconds(),
                )
            }
        }

        test("rooms have timers of their own") {
            consumerTest(motionLights(MotionLightsSettings(quietPeriod = 2.minutes))) {
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
                advanceTimeBy(1.minutes)
                expectPublish("home/lights/kitchen/set", "on")
                expectPublish("home/lights/hall/set", "on")
                expectPublish("home/lights/kitchen/set", "off")
                expectPublish("home/lights/hall/set", "off")
            }
        }

        test("'motion over' payloads are neither stored nor acted on") {
            consumerTest(motionLights(MotionLightsSettings())) {
                connect()
                for (payload in listOf("0", "false", " off ", "NO")) publish("home/hall/motion", payload, qos = 1)
                expectNoAction()
                advanceTimeBy(10.minutes)
                expectNoAction()
                database.transaction { MotionEvents.selectAll().toList() }.shouldBeEmpty()
                failures.shouldBeEmpty()
            }
        }

        test("the light's timer dies with the consumer: no 'off' after it disconnected") {
            consumerTest(motionLights(MotionLightsSettings())) {
                connect()
                publish("home/hall/motion", "1")
                expectPublish("home/lights/hall/set", "on")
                disconnect()
                advanceTimeBy(10.minutes)
                expectNoAction()
            }
        }

        test("sensor payloads that say the motion is over are not motion") {
            listOf("1", "true", "motion", "ON", "").map(::isMotion) shouldBe listOf(true, true, true, true, true)
            listOf("0", "false", " off ", "NO").map(::isMotion) shouldBe listOf(false, false, false, false)
        }

        test("the quiet period is five minutes unless LIGHTS_QUIET_PERIOD says otherwise") {
            MotionLightsSettings.fromEnvironment(emptyMap()).quietPeriod shouldBe 5.minutes
            MotionLightsSettings.fromEnvironment(mapOf("LIGHTS_QUIET_PERIOD" to "30s")).quietPeriod shouldBe 30.seconds
            shouldThrow<IllegalArgumentException> {
                MotionLightsSettings.fromEnvironment(mapOf("LIGHTS_QUIET_PERIOD" to "soon"))
            }.message shouldContain "not 'soon'"
        }
    })
