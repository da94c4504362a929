package dev.mqttflow.automation.schedule

import dev.mqttflow.errors.ScheduleException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.time.ZoneId
import kotlin.time.Instant

private val BERLIN = ZoneId.of("Europe/Berlin")

private fun firings(expression: String, from: String, count: Int): List<String> {
    val schedule = Schedule.cron(expression)
    var at = Instant.parse(from)
    return List(count) { schedule.next(at, BERLIN, null)!!.also { at = it }.toString() }
}

class CronScheduleTest :
    FunSpec({

        test("weekdays at 07:00 skip the weekend and follow the spring-forward change") {
            firings("0 7 * * 1-5", "2026-03-27T06:00:00Z", 2) shouldBe
                listOf("2026-03-30T05:00:00Z", "2026-03-31T05:00:00Z")
        }

        test("names, lists, steps and 7 for Sunday") {
            firings("0 8 * * SAT,7", "2026-03-26T00:00:00Z", 2) shouldBe
                listOf("2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z")
            firings("*/20 9 * JAN *", "2026-12-31T23:00:00Z", 4) shouldBe listOf(
                "2027-01-01T08:00:00Z",
                "2027-01-01T08:20:00Z",
                "2027-01-01T08:40:00Z",
                "2027-01-02T08:00:00Z",
            )
            firings("0 8-18/5 * * *", "2026-06-01T00:00:00Z", 3) shouldBe
                listOf("2026-06-01T06:00:00Z", "2026-06-01T11:00:00Z", "2026-06-01T16:00:00Z")
        }

        test("when both day fields are restricted a day matches either (Vixie cron)") {
            // 2026-06-13 is a Saturday, 2026-06-15 the 15th (a Monday).
            firings("0 12 15 * SAT", "2026-06-12T00:00:00Z", 2) shouldBe
                listOf("2026-06-13T10:00:00Z", "2026-06-15T10:00:00Z")
        }

        test("macros and a 29th of February") {
            firings("@daily", "2026-01-01T12:00:00Z", 1) shouldBe listOf("2026-01-01T23:00:00Z")
            firings("0 0 29 2 *", "2026-01-01T00:00:00Z", 1) shouldBe listOf("2028-02-28T23:00:00Z")
        }

        test("a time in the spring-forward gap fires once after the jump; a repeated one once, the first time") {
            firings("30 2 * * *", "2026-03-28T12:00:00Z", 2) shouldBe
                listOf("2026-03-29T01:30:00Z", "2026-03-30T00:30:00Z")
            firings("30 2 * * *", "2026-10-24T12:00:00Z", 2) shouldBe
                listOf("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z")
        }

        test("parse errors name the expression and the field") {
            val cases = mapOf(
                "0 7 * * 1-8" to "day-of-week: 8 is out of range 0-7",
                "0 7 * *" to "expected 5 fields",
                "61 * * * *" to "minute: 61 is out of range 0-59",
                "0 7 * FOO *" to "month: 'FOO' is not a number or a name",
                "*/0 * * * *" to "minute: step '0'",
                "0 9-5 * * *" to "hour: range '9-5' runs backwards",
                "0 0 31 2 *" to "no date ever matches",
                "@sometimes" to "unknown macro",
                "0 7 ,1 * *" to "day-of-month: empty item",
            )
            for ((expression, reason) in cases) {
                val e = shouldThrow<ScheduleException> { Schedule.cron(expression) }
                e.expression shouldBe "cron(\"$expression\")"
                e.message shouldContain reason
            }
        }
    })
