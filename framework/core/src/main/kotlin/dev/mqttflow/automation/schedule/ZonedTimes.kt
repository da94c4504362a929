package dev.mqttflow.automation.schedule

import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import java.time.ZoneId
import java.time.ZonedDateTime
import kotlin.time.Duration
import kotlin.time.Instant
import kotlin.time.toJavaInstant
import kotlin.time.toKotlinInstant

/**
 * A local date and time resolved the one way every schedule uses: in a spring-forward gap it moves
 * forward by the gap's length (02:30 → 03:30), in a fall-back overlap it takes the earlier offset
 * (the first 02:30). That is java.time's `ZonedDateTime.of` rule.
 */
internal fun resolve(date: LocalDate, time: LocalTime, zone: ZoneId): Instant =
    ZonedDateTime.of(LocalDateTime.of(date, time), zone).toInstant().toKotlinInstant()

internal fun Instant.localDate(zone: ZoneId): LocalDate = toJavaInstant().atZone(zone).toLocalDate()

/** Whole multiples of [period] since the epoch. */
internal class EverySchedule(private val period: Duration) : Schedule {
    override fun next(after: Instant, zone: ZoneId, location: Location?): Instant {
        val step = period.inWholeMilliseconds.coerceAtLeast(1)
        val at = after.toEpochMilliseconds()
        val next = Math.floorDiv(at, step) * step + step
        return Instant.fromEpochMilliseconds(next)
    }

    override fun toString(): String = "every($period)"
}

/** [time] on each of [days]. */
internal class DailySchedule(private val time: LocalTime, private val days: Set<java.time.DayOfWeek>) : Schedule {
    override fun next(after: Instant, zone: ZoneId, location: Location?): Instant {
        // Start a day early: an instant just after local midnight may still be "yesterday" plus a gap shift.
        var date = after.localDate(zone).minusDays(1)
        while (true) {
            if (date.dayOfWeek in days) {
                val at = resolve(date, time, zone)
                if (at > after) return at
            }
            date = date.plusDays(1)
        }
    }

    override fun toString(): String = "daily($time, $days)"
}
