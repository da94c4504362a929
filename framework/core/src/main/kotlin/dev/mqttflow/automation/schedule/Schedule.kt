@file:Suppress("MagicNumber") // calendar constants (hours, minutes, days), each used once where it reads best

package dev.mqttflow.automation.schedule

import dev.mqttflow.errors.ScheduleException
import java.time.DayOfWeek
import java.time.LocalTime
import java.time.ZoneId
import java.time.format.DateTimeParseException
import kotlin.time.Duration
import kotlin.time.Instant

/**
 * When a time trigger fires: pure calendar math, "the next occurrence strictly after an instant".
 * Every schedule is evaluated on the consumer's clock (virtual time in the kit) and in its zone;
 * sun schedules also need its [Location].
 *
 * DST (documented in docs/automations-schedules.md): a wall-clock time that does not exist on a
 * spring-forward day (02:30 in Europe/Berlin on 2026-03-29) fires once, shifted forward by the
 * gap (03:30 CEST), never skipped; a time that occurs twice on a fall-back day (02:30 on
 * 2026-10-25) fires once, at its first occurrence (02:30 CEST).
 *
 * ```kotlin
 * Schedule.daily("07:00", days = WEEKDAYS).next(now, ZoneId.of("Europe/Berlin"))
 * ```
 */
public fun interface Schedule {
    /** The first firing strictly after [after] in [zone] (at [location] for sun schedules); null if it never fires. */
    public fun next(after: Instant, zone: ZoneId, location: Location?): Instant?

    /** Factories; the consumer DSL's `every`, `daily`, `cron`, `atSunrise` and `atSunset` use these. */
    public companion object {
        /**
         * Every [period], at whole multiples of it since the Unix epoch (UTC): `every(15.minutes)`
         * fires at :00, :15, :30 and :45, unaffected by DST and the same after a restart.
         */
        public fun every(period: Duration): Schedule {
            if (!period.isPositive() || period.isInfinite()) {
                throw ScheduleException("every($period)", "the period must be positive and finite")
            }
            return EverySchedule(period)
        }

        /** Every day in [days] at local time [time] (`"07:00"` or `"07:00:30"`) in the consumer's zone. */
        public fun daily(time: String, days: Set<DayOfWeek> = EVERY_DAY): Schedule {
            val parsed = try {
                LocalTime.parse(time)
            } catch (e: DateTimeParseException) {
                throw ScheduleException("daily(\"$time\")", "the time must be HH:mm or HH:mm:ss (${e.message})")
            }
            if (days.isEmpty()) throw ScheduleException("daily(\"$time\")", "days is empty: it would never fire")
            return DailySchedule(parsed, days.toSet())
        }

        /**
         * A five-field cron expression, `minute hour day-of-month month day-of-week`, in the
         * consumer's zone: `*`, numbers, ranges `1-5`, lists `1,3`, steps `0-59/15` and `8-18/2`
         * (a star with a step works too), names
         * `JAN`–`DEC` and `SUN`–`SAT` (0 and 7 are Sunday), and `@hourly`, `@daily`, `@weekly`,
         * `@monthly`, `@yearly`. As in Vixie cron, when both day fields are restricted a day matches
         * either. A bad expression throws [ScheduleException] naming it.
         */
        public fun cron(expression: String): Schedule = CronSchedule.parse(expression)

        /** Sunrise (upper limb on the horizon, standard refraction; NOAA's formula) plus [offset], daily. */
        public fun sunrise(offset: Duration = Duration.ZERO): Schedule = SunSchedule(rise = true, offset)

        /** Sunset plus [offset] (negative: before sunset), daily. */
        public fun sunset(offset: Duration = Duration.ZERO): Schedule = SunSchedule(rise = false, offset)
    }
}

/** Where the consumer is, for sun schedules: degrees, north and east positive. */
public data class Location(val latitude: Double, val longitude: Double) {
    init {
        require(latitude in -90.0..90.0) { "latitude $latitude is outside -90..90 degrees" }
        require(longitude in -180.0..180.0) { "longitude $longitude is outside -180..180 degrees" }
    }

    override fun toString(): String = "$latitude,$longitude"

    /** Parsing for `--location` and config files. */
    public companion object {
        /** `"52.52,13.40"` (latitude,longitude); a bad value throws [ScheduleException] naming it. */
        public fun parse(text: String): Location {
            val parts = text.split(',').map { it.trim().toDoubleOrNull() }
            val lat = parts.getOrNull(0)
            val lon = parts.getOrNull(1)
            if (parts.size != 2 || lat == null || lon == null) {
                throw ScheduleException(text, "a location is 'latitude,longitude' in degrees, e.g. 52.52,13.40")
            }
            return try {
                Location(lat, lon)
            } catch (e: IllegalArgumentException) {
                throw ScheduleException(text, e.message ?: "bad location", e)
            }
        }
    }
}

/** Monday to Friday. */
public val WEEKDAYS: Set<DayOfWeek> = setOf(
    DayOfWeek.MONDAY,
    DayOfWeek.TUESDAY,
    DayOfWeek.WEDNESDAY,
    DayOfWeek.THURSDAY,
    DayOfWeek.FRIDAY,
)

/** Saturday and Sunday. */
public val WEEKENDS: Set<DayOfWeek> = setOf(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY)

/** All seven days. */
public val EVERY_DAY: Set<DayOfWeek> = DayOfWeek.entries.toSet()
