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

/**
 * U.S. Naval Observatory, "Rise and Set for the Sun for 2008", Cupertino (W121°55', N37°24'),
 * zone 8h west of Greenwich (standard time all year), days 1-3 of each month, as quoted at
 * https://khuang.blogspot.com/2008/09/sunrise-sunset-time-for-one-year.html. Per day: Jan..Dec, "rise set".
 */
private val CUPERTINO_2008 = mapOf(
    1 to "0722 1700 0711 1732 0638 1802 0552 1831 0512 1858 0448 1923 " +
        "0451 1932 0512 1915 0539 1836 0604 1750 0633 1709 0704 1650",
    2 to "0722 1701 0710 1733 0637 1803 0551 1832 0511 1859 0448 1924 " +
        "0451 1932 0513 1914 0539 1834 0604 1749 0634 1708 0705 1650",
    3 to "0722 1702 0710 1734 0635 1804 0549 1833 0510 1900 0448 1924 " +
        "0452 1932 0514 1913 0540 1833 0605 1747 0635 1707 0706 1650",
)

/**
 * Cleveland (41.4993°N, 81.6944°W), November 2018, local clock time (EDT until the 4th), "according
 * to the United States Naval Observatory", as printed by cleveland.com:
 * https://www.cleveland.com/datacentral/2018/12/ (article
 * "getting-out-of-the-dark-cleveland-sunsets-begin-getting-later-on-saturday.html")
 */
private val CLEVELAND_NOV_2018 = listOf(
    "07:58 18:22", "08:00 18:20", "08:01 18:19", "07:02 17:18", "07:03 17:17", "07:04 17:16", "07:06 17:15",
    "07:07 17:13", "07:08 17:12", "07:09 17:11", "07:10 17:10", "07:12 17:09", "07:13 17:09", "07:14 17:08",
    "07:15 17:07", "07:17 17:06",
)

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
            val cupertino = Location(37.0 + 24.0 / 60, -(121.0 + 55.0 / 60))
            for ((day, row) in CUPERTINO_2008) {
                row.split(' ').chunked(2).forEachIndexed { month, (rise, set) ->
                    check(LocalDate.of(2008, month + 1, day), rise.hhmm(), set.hhmm(), zone, cupertino)
                }
            }
        }

        test("Cleveland: within a minute of the USNO times for November 2018, across the DST change") {
            val zone = ZoneId.of("America/New_York")
            val cleveland = Location(41.4993, -81.6944)
            CLEVELAND_NOV_2018.forEachIndexed { i, row ->
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
