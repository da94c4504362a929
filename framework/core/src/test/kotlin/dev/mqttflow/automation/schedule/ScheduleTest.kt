package dev.mqttflow.automation.schedule

import dev.mqttflow.errors.ScheduleException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.time.ZoneId
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

private val BERLIN = ZoneId.of("Europe/Berlin")

private fun Schedule.next(after: String, zone: ZoneId = BERLIN): Instant? = next(Instant.parse(after), zone, null)

/** The firings after [from], one after the other. */
private fun Schedule.run(from: String, count: Int, zone: ZoneId = BERLIN): List<String> {
    var at = Instant.parse(from)
    return List(count) { next(at, zone, null)!!.also { at = it }.toString() }
}

class ScheduleTest :
    FunSpec({

        test("every(15.minutes) fires at whole quarters, strictly after the instant") {
            Schedule.every(15.minutes).run("2026-03-29T00:50:00Z", 3) shouldBe listOf(
                "2026-03-29T01:00:00Z",
                "2026-03-29T01:15:00Z",
                "2026-03-29T01:30:00Z",
            )
            Schedule.every(15.minutes).next("2026-03-29T01:00:00Z") shouldBe Instant.parse("2026-03-29T01:15:00Z")
        }

        test("every keeps its cadence across the spring-forward jump (real time, not wall clock)") {
            // 00:45Z = 01:45 CET, 01:00Z = 03:00 CEST: one hour of wall clock, 15 minutes of time.
            Schedule.every(15.minutes).next("2026-03-29T00:45:00Z") shouldBe Instant.parse("2026-03-29T01:00:00Z")
        }

        test("every rejects a period that is not positive") {
            shouldThrow<ScheduleException> { Schedule.every(0.seconds) }.message shouldContain "every(0s)"
        }

        test("daily 07:00 on weekdays skips the weekend and follows the DST change") {
            // Friday 2026-03-27 07:00 CET = 06:00Z; the clocks go forward on Sunday 2026-03-29.
            Schedule.daily("07:00", WEEKDAYS).run("2026-03-27T06:00:00Z", 2) shouldBe listOf(
                "2026-03-30T05:00:00Z", // Monday 07:00 CEST
                "2026-03-31T05:00:00Z",
            )
        }

        test("daily on weekends only fires on Saturday and Sunday") {
            Schedule.daily("09:30", WEEKENDS).run("2026-03-25T00:00:00Z", 3) shouldBe listOf(
                "2026-03-28T08:30:00Z", // Saturday, CET
                "2026-03-29T07:30:00Z", // Sunday, CEST
                "2026-04-04T07:30:00Z",
            )
        }

        test("a 02:30 that does not exist on the spring-forward day fires once, at 03:30 CEST") {
            Schedule.daily("02:30").run("2026-03-28T12:00:00Z", 2) shouldBe listOf(
                "2026-03-29T01:30:00Z", // 03:30 CEST: shifted forward by the one-hour gap
                "2026-03-30T00:30:00Z", // 02:30 CEST
            )
        }

        test("a 02:30 that occurs twice on the fall-back day fires once, at the first (CEST) one") {
            Schedule.daily("02:30").run("2026-10-24T12:00:00Z", 2) shouldBe listOf(
                "2026-10-25T00:30:00Z", // 02:30 CEST; the second 02:30 (CET, 01:30Z) does not fire
                "2026-10-26T01:30:00Z", // 02:30 CET
            )
        }

        test("daily rejects a time that is not HH:mm, naming it") {
            val e = shouldThrow<ScheduleException> { Schedule.daily("7am") }
            e.message shouldContain "daily(\"7am\")"
            shouldThrow<ScheduleException> { Schedule.daily("07:00", emptySet()) }.message shouldContain "never"
        }

        test("the zone decides the wall clock") {
            Schedule.daily("07:00").next("2026-06-01T00:00:00Z", ZoneId.of("America/New_York")) shouldBe
                Instant.parse("2026-06-01T11:00:00Z")
        }

        test("a location parses from 'lat,lon' and a bad one names the input") {
            Location.parse("52.52, 13.40") shouldBe Location(52.52, 13.40)
            shouldThrow<ScheduleException> { Location.parse("north") }.message shouldContain "'north'"
            shouldThrow<ScheduleException> { Location.parse("95,10") }.message shouldContain "latitude 95.0"
        }
    })
