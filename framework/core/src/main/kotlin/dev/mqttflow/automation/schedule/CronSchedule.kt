@file:Suppress("MagicNumber") // cron's field ranges and month/day numbers, as cron(5) lists them

package dev.mqttflow.automation.schedule

import dev.mqttflow.errors.ScheduleException
import java.time.LocalDate
import java.time.LocalTime
import java.time.ZoneId
import kotlin.time.Instant

/**
 * A parsed five-field cron expression. Matching is on the local date and time in the zone; each
 * matching wall-clock time is resolved like every schedule (see [resolve]), so a time inside a
 * spring-forward gap fires once after the jump and a repeated time on a fall-back day fires once.
 */
internal class CronSchedule private constructor(
    private val expression: String,
    private val minutes: BooleanArray,
    private val hours: BooleanArray,
    private val daysOfMonth: BooleanArray,
    private val months: BooleanArray,
    private val daysOfWeek: BooleanArray,
    private val domRestricted: Boolean,
    private val dowRestricted: Boolean,
) : Schedule {
    private val times: List<LocalTime> = buildList {
        for (h in 0..23) {
            if (!hours[h]) continue
            for (m in 0..59) if (minutes[m]) add(LocalTime.of(h, m))
        }
    }

    override fun next(after: Instant, zone: ZoneId, location: Location?): Instant? {
        var date = after.localDate(zone).minusDays(1)
        repeat(SEARCH_DAYS) {
            if (matches(date)) {
                // The earliest candidate of the day: gap shifts can reorder wall-clock times.
                times.asSequence().map { resolve(date, it, zone) }.filter { it > after }.minOrNull()?.let { return it }
            }
            date = date.plusDays(1)
        }
        return null
    }

    private fun matches(date: LocalDate): Boolean {
        if (!months[date.monthValue]) return false
        val dom = daysOfMonth[date.dayOfMonth]
        val dow = daysOfWeek[date.dayOfWeek.value % 7]
        return when {
            domRestricted && dowRestricted -> dom || dow
            domRestricted -> dom
            dowRestricted -> dow
            else -> true
        }
    }

    override fun toString(): String = "cron(\"$expression\")"

    companion object {
        /** Eight years: covers a February 29th on a given weekday and anything rarer that still fires. */
        private const val SEARCH_DAYS = 366 * 8

        private val MACROS = mapOf(
            "@yearly" to "0 0 1 1 *",
            "@annually" to "0 0 1 1 *",
            "@monthly" to "0 0 1 * *",
            "@weekly" to "0 0 * * 0",
            "@daily" to "0 0 * * *",
            "@midnight" to "0 0 * * *",
            "@hourly" to "0 * * * *",
        )
        private val MONTH_NAMES =
            listOf("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
                .mapIndexed { i, n -> n to i + 1 }.toMap()
        private val DAY_NAMES = listOf("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
            .mapIndexed { i, n -> n to i }.toMap()

        private class Field(val name: String, val min: Int, val max: Int, val names: Map<String, Int> = emptyMap())

        private val FIELDS = listOf(
            Field("minute", 0, 59),
            Field("hour", 0, 23),
            Field("day-of-month", 1, 31),
            Field("month", 1, 12, MONTH_NAMES),
            Field("day-of-week", 0, 7, DAY_NAMES),
        )

        fun parse(expression: String): CronSchedule {
            val text = expression.trim()
            val expanded = MACROS[text.lowercase()] ?: text
            fun fail(reason: String): Nothing = throw ScheduleException("cron(\"$expression\")", reason)
            if (expanded.startsWith("@")) fail("unknown macro '$expanded' (use ${MACROS.keys.joinToString()})")
            val parts = expanded.split(Regex("\\s+")).filter { it.isNotEmpty() }
            if (parts.size != FIELDS.size) {
                fail("expected 5 fields (minute hour day-of-month month day-of-week), found ${parts.size}")
            }
            val sets = FIELDS.zip(parts).map { (field, part) -> parseField(field, part, ::fail) }
            val dow = sets[4]
            if (dow[7]) dow[0] = true
            val cron = CronSchedule(
                text,
                sets[0],
                sets[1],
                sets[2],
                sets[3],
                dow,
                domRestricted = !parts[2].startsWith("*"),
                dowRestricted = !parts[4].startsWith("*"),
            )
            if (!cron.anyDayPossible()) fail("no date ever matches day-of-month '${parts[2]}' in month '${parts[3]}'")
            return cron
        }

        @Suppress("NestedBlockDepth") // one loop over items, each a value, range or step: flatter reads worse
        private fun parseField(field: Field, text: String, fail: (String) -> Nothing): BooleanArray {
            val set = BooleanArray(field.max + 1)
            for (item in text.split(',')) {
                if (item.isEmpty()) fail("${field.name}: empty item in '$text'")
                val (rangeText, stepText) = item.split('/', limit = 2).let { it[0] to it.getOrNull(1) }
                val step = stepText?.let { s ->
                    s.toIntOrNull()?.takeIf { it > 0 } ?: fail("${field.name}: step '$s' is not a positive number")
                } ?: 1
                val (from, to) = when {
                    rangeText == "*" -> field.min to field.max

                    '-' in rangeText -> {
                        val (a, b) = rangeText.split('-', limit = 2)
                        value(field, a, fail) to value(field, b, fail)
                    }

                    else -> value(field, rangeText, fail).let { it to if (stepText != null) field.max else it }
                }
                if (from > to) fail("${field.name}: range '$rangeText' runs backwards")
                for (v in from..to step step) set[v] = true
            }
            return set
        }

        private fun value(field: Field, text: String, fail: (String) -> Nothing): Int {
            val v = field.names[text.uppercase()] ?: text.toIntOrNull()
                ?: fail("${field.name}: '$text' is not a number${if (field.names.isEmpty()) "" else " or a name"}")
            if (v !in field.min..field.max) fail("${field.name}: $v is out of range ${field.min}-${field.max}")
            return v
        }
    }

    private fun anyDayPossible(): Boolean {
        if (dowRestricted && daysOfWeek.any { it }) return true
        val longest = intArrayOf(0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
        return (1..12).any { m -> months[m] && (1..longest[m]).any { daysOfMonth[it] } }
    }
}
