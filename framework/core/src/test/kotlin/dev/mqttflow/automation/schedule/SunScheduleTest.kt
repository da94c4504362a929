package dev.mqttflow.automation.schedule

import dev.mqttflow.errors.ScheduleException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeLessThanOrEqualTo
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import java.time.ZoneId
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant
import kotlin.time.toKotlinInstant

private fun local(date: LocalDate, hhmm: String, zone: ZoneId): Instant =
    LocalDateTime.of(date, LocalTime.parse(hhmm)).atZone(zone).toInstant().toKotlinInstant()

/** The first sunrise or sunset after local midnight of [date]. */
private fun sun(schedule: Schedule, date: LocalDate, zone: ZoneId, at: Location): Instant =
    schedule.next(local(date, "00:00", zone), zone, at)!!

private fun check(date: LocalDate, rise: String, set: String, zone: ZoneId, at: Location) {
    // A table rounds to the minute, so "within a minute" allows the rounding and our error together.
    withClue("$at $date sunrise, table $rise") {
        (sun(Schedule.sunrise(), date, zone, at) - local(date, rise, zone)).absoluteValue shouldBeLessThanOrEqualTo
            1.minutes
    }
    withClue("$at $date sunset, table $set") {
        (sun(Schedule.sunset(), date, zone, at) - local(date, set, zone)).absoluteValue shouldBeLessThanOrEqualTo
            1.minutes
    }
}

private fun String.hhmm() = "${take(2)}:${drop(2)}"

class SunScheduleTest :
    FunSpec({

        test("Cupertino: within a minute of the USNO table on days 1-3 of every month of 2008") {
            val zone = ZoneId.of("-08:00")
            val cupertino = UsnoTables.CUPERTINO
            for ((day, row) in UsnoTables.CUPERTINO_2008) {
                row.split(' ').chunked(2).forEachIndexed { month, (rise, set) ->
                    check(LocalDate.of(2008, month + 1, day), rise.hhmm(), set.hhmm(), zone, cupertino)
                }
            }
        }

        test("Cleveland: within a minute of the USNO times for November 2018, across the DST change") {
            val zone = ZoneId.of("America/New_York")
            val cleveland = UsnoTables.CLEVELAND
            UsnoTables.CLEVELAND_NOV_2018.forEachIndexed { i, row ->
                val (rise, set) = row.split(' ')
                check(LocalDate.of(2018, 11, i + 1), rise, set, zone, cleveland)
            }
        }

        test("Berlin's shortest day as computed by the Stiftung Planetarium Berlin, to the second") {
            // Tagesspiegel Checkpoint, Winteranfang Saturday 2024-12-21, Berlin averaged:
            // sunrise 08:14:38, sunset 15:54:41
            // (https://checkpoint.tagesspiegel.de/langmeldung/1Iqol9pfZ8XjGQ32RbBB1t).
            val zone = ZoneId.of("Europe/Berlin")
            val date = LocalDate.of(2024, 12, 21)
            val berlin = Location(52.52, 13.405)
            val rise = sun(Schedule.sunrise(), date, zone, berlin) - local(date, "08:14:38", zone)
            rise.absoluteValue shouldBeLessThanOrEqualTo 1.minutes
            val set = sun(Schedule.sunset(), date, zone, berlin) - local(date, "15:54:41", zone)
            set.absoluteValue shouldBeLessThanOrEqualTo 1.minutes
        }

        test("an offset moves the firing, and the next one is a day later") {
            val zone = ZoneId.of("Europe/Berlin")
            val berlin = Location(52.52, 13.41)
            val date = LocalDate.of(2026, 6, 1)
            val sunset = sun(Schedule.sunset(), date, zone, berlin)
            sun(Schedule.sunset(offset = (-30).minutes), date, zone, berlin) shouldBe sunset - 30.minutes
            val tomorrow = Schedule.sunset().next(sunset, zone, berlin)!!
            (tomorrow - sunset - 24.hours).absoluteValue shouldBeLessThanOrEqualTo 5.minutes
        }

        test("polar night has no sunrise: the next one is weeks away, not a wrong time") {
            val tromso = Location(69.65, 18.96)
            val zone = ZoneId.of("Europe/Oslo")
            val first = sun(Schedule.sunrise(), LocalDate.of(2026, 12, 10), zone, tromso)
            (first - local(LocalDate.of(2026, 12, 10), "00:00", zone)) shouldBeGreaterThanDays 20
        }

        test("a sun schedule without a location says how to give one") {
            shouldThrow<ScheduleException> {
                Schedule.sunrise().next(Instant.parse("2026-01-01T00:00:00Z"), ZoneId.of("UTC"), null)
            }.message shouldContain "set MqttFlowConfig.location"
        }
    })

private infix fun Duration.shouldBeGreaterThanDays(days: Int) {
    withClue("$this should be more than $days days") { (this > (days * 24).hours) shouldBe true }
}
