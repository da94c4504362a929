package dev.mqttflow.samples.ai

import dev.mqttflow.samples.MutableClock
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

class AiAutomationTest :
    FunSpec({
        val guard = TopicGuard(listOf("home/"), forbiddenFilter = "home/sensors/#")

        test("the guard allows device topics under the allowed prefixes") {
            guard.refusal("home/livingroom/ac/set") shouldBe null
        }

        test("the guard refuses other prefixes, the sensors' own topics and wildcards") {
            guard.refusal("garage/door")!! shouldContain "not under home/"
            guard.refusal("home/sensors/x")!! shouldContain "feed back"
            guard.refusal("home/+/set")!! shouldContain "wildcard"
        }

        test("the rate gate asks about a sensor at most once per interval of the given clock") {
            val clock = MutableClock(Instant.parse("2026-01-01T00:00:00Z"))
            val gate = RateGate(1.minutes)
            gate.allow("a", clock) shouldBe true
            gate.allow("b", clock) shouldBe true
            clock.now += 59.seconds
            gate.allow("a", clock) shouldBe false
            clock.now += 1.seconds
            gate.allow("a", clock) shouldBe true
        }
    })
