package dev.mqttflow.samples.lights

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

@OptIn(ExperimentalCoroutinesApi::class)
class MotionLightsTest :
    FunSpec({
        test("sensor payloads that say the motion is over are not motion") {
            listOf("1", "true", "motion", "ON", "").map(::isMotion) shouldBe listOf(true, true, true, true, true)
            listOf("0", "false", " off ", "NO").map(::isMotion) shouldBe listOf(false, false, false, false)
        }

        test("the light topic is per room") {
            lightTopic("hall") shouldBe "home/lights/hall/set"
        }

        test("a quiet timer fires once, a quiet period after the last restart, in virtual time") {
            runTest {
                val fired = mutableListOf<Pair<String, Long>>()
                val timers = QuietTimers(5.minutes)
                timers.restart(backgroundScope, "hall") { fired += "first" to currentTime }
                advanceTimeBy(4.minutes)
                timers.restart(backgroundScope, "hall") { fired += "second" to currentTime }
                advanceTimeBy(4.minutes)
                fired.shouldBeEmpty()
                timers.pending shouldBe setOf("hall")
                advanceTimeBy(1.minutes)
                runCurrent()
                fired shouldContainExactly listOf("second" to 9.minutes.inWholeMilliseconds)
                timers.pending.shouldBeEmpty()
            }
        }

        test("rooms have timers of their own") {
            runTest {
                val fired = mutableListOf<String>()
                val timers = QuietTimers(5.minutes)
                timers.restart(backgroundScope, "hall") { fired += "hall" }
                advanceTimeBy(3.minutes)
                timers.restart(backgroundScope, "kitchen") { fired += "kitchen" }
                advanceTimeBy(2.minutes)
                runCurrent()
                fired shouldContainExactly listOf("hall")
                advanceTimeBy(3.minutes)
                runCurrent()
                fired shouldContainExactly listOf("hall", "kitchen")
            }
        }

        test("the quiet period is five minutes unless LIGHTS_QUIET_PERIOD says otherwise") {
            MotionLightsSettings.fromEnvironment(emptyMap()).quietPeriod shouldBe 5.minutes
            MotionLightsSettings.fromEnvironment(mapOf("LIGHTS_QUIET_PERIOD" to "30s")).quietPeriod shouldBe 30.seconds
            shouldThrow<IllegalArgumentException> {
                MotionLightsSettings.fromEnvironment(mapOf("LIGHTS_QUIET_PERIOD" to "soon"))
            }.message shouldContain "not 'soon'"
        }
    })
