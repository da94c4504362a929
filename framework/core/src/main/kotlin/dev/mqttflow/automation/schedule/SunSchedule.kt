@file:Suppress("MagicNumber") // the NOAA solar-position formula's published coefficients, written as in the source

package dev.mqttflow.automation.schedule

import dev.mqttflow.errors.ScheduleException
import java.time.LocalDate
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.math.acos
import kotlin.math.asin
import kotlin.math.cos
import kotlin.math.sin
import kotlin.math.tan
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Instant

/**
 * Sunrise or sunset plus [offset], once per day. Days without one (polar day or night) are
 * skipped. The zone does not matter for the instant, only the location does.
 */
internal class SunSchedule(private val rise: Boolean, private val offset: Duration) : Schedule {
    override fun next(after: Instant, zone: ZoneId, location: Location?): Instant? {
        val where = location ?: throw ScheduleException(
            toString(),
            "needs a location (latitude and longitude): set MqttFlowConfig.location",
        )
        var date = after.localDate(ZoneOffset.UTC).minusDays(2)
        repeat(SEARCH_DAYS) {
            val event = SolarCalculator.event(date, where, rise)
            if (event != null && event + offset > after) return event + offset
            date = date.plusDays(1)
        }
        return null
    }

    override fun toString(): String = if (rise) "sunrise($offset)" else "sunset($offset)"

    private companion object {
        const val SEARCH_DAYS = 370
    }
}

/**
 * NOAA's solar calculator (the spreadsheet's equations, after Meeus, "Astronomical Algorithms"):
 * the instant the sun's upper limb meets the horizon with standard refraction (zenith 90.833°).
 * Accurate to about a minute at latitudes below ±65°.
 */
internal object SolarCalculator {
    private const val ZENITH = 90.833
    private const val MINUTES_PER_DAY = 1440.0

    /** The sunrise ([rise]) or sunset on UTC day [date] at [location]; null when the sun does not cross the horizon. */
    fun event(date: LocalDate, location: Location, rise: Boolean): Instant? {
        val midnight = date.toEpochDay() * MINUTES_PER_DAY
        // Two passes: the second evaluates the sun's position at the first estimate of the event.
        var minutes = minutesUtc(midnight + MINUTES_PER_DAY / 2, location, rise) ?: return null
        minutes = minutesUtc(midnight + minutes, location, rise) ?: return null
        return Instant.fromEpochMilliseconds(0) + ((midnight + minutes) * MS_PER_MINUTE).toLong().milliseconds
    }

    private const val MS_PER_MINUTE = 60_000.0
    private const val JD_UNIX_EPOCH = 2440587.5

    /** Minutes after UTC midnight of the event, with the sun's position taken at epoch-minute [at]. */
    private fun minutesUtc(at: Double, location: Location, rise: Boolean): Double? {
        val jd = JD_UNIX_EPOCH + at / MINUTES_PER_DAY
        val t = (jd - 2451545.0) / 36525.0
        val l0 = (280.46646 + t * (36000.76983 + t * 0.0003032)).mod(360.0)
        val m = 357.52911 + t * (35999.05029 - 0.0001537 * t)
        val e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t)
        val c = sin(rad(m)) * (1.914602 - t * (0.004817 + 0.000014 * t)) +
            sin(rad(2 * m)) * (0.019993 - 0.000101 * t) + sin(rad(3 * m)) * 0.000289
        val omega = 125.04 - 1934.136 * t
        val apparentLong = l0 + c - 0.00569 - 0.00478 * sin(rad(omega))
        val meanObliquity = 23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60.0) / 60.0
        val obliquity = meanObliquity + 0.00256 * cos(rad(omega))
        val declination = asin(sin(rad(obliquity)) * sin(rad(apparentLong)))
        val y = tan(rad(obliquity / 2)).let { it * it }
        val equationOfTime = 4 * deg(
            y * sin(2 * rad(l0)) - 2 * e * sin(rad(m)) + 4 * e * y * sin(rad(m)) * cos(2 * rad(l0)) -
                0.5 * y * y * sin(4 * rad(l0)) - 1.25 * e * e * sin(2 * rad(m)),
        )
        val lat = rad(location.latitude)
        val cosHourAngle = cos(rad(ZENITH)) / (cos(lat) * cos(declination)) - tan(lat) * tan(declination)
        if (cosHourAngle !in -1.0..1.0) return null
        val hourAngle = deg(acos(cosHourAngle))
        val noon = 720 - 4 * location.longitude - equationOfTime
        return if (rise) noon - 4 * hourAngle else noon + 4 * hourAngle
    }

    private fun rad(degrees: Double) = Math.toRadians(degrees)

    private fun deg(radians: Double) = Math.toDegrees(radians)
}
