package dev.mqttflow.cli

import com.github.ajalt.clikt.core.UsageError
import dev.mqttflow.automation.schedule.Location
import java.time.DateTimeException
import java.time.ZoneId

/** The settings of issue 13's time triggers: the zone of `daily` / `cron`, and where the sun is computed. */
internal object AutomationSettings {
    private const val MAX_LATITUDE = 90.0
    private const val MAX_LONGITUDE = 180.0
    private const val MAX_SHOWN = 40

    val zone = Setting(
        "zone",
        listOf("--zone"),
        "MQTTFLOW_ZONE",
        "ZONE",
        "time zone of daily, cron and sun triggers, like Europe/Berlin or UTC",
        defaultText = "the system's: ${ZoneId.systemDefault().id}",
    ) { text ->
        try {
            ZoneId.of(text.trim())
        } catch (e: DateTimeException) {
            throw BadValue("expected a time-zone id like Europe/Berlin or UTC, got '${text.take(MAX_SHOWN)}'", e)
        }
    }
    val latitude = Setting(
        "latitude",
        listOf("--latitude"),
        "MQTTFLOW_LATITUDE",
        "DEGREES",
        "where sunrise and sunset triggers compute the sun: latitude, north positive (with --longitude)",
        defaultText = "none",
    ) { degrees(it, MAX_LATITUDE, "a latitude from -90 to 90 degrees (north positive)") }
    val longitude = Setting(
        "longitude",
        listOf("--longitude"),
        "MQTTFLOW_LONGITUDE",
        "DEGREES",
        "longitude for sun triggers, east positive (with --latitude)",
        defaultText = "none",
    ) { degrees(it, MAX_LONGITUDE, "a longitude from -180 to 180 degrees (east positive)") }

    val all: List<Setting<*>> = listOf(zone, latitude, longitude)

    /** The location of --latitude with --longitude; one without the other is a [UsageError] naming it. */
    fun location(s: ResolvedSettings): Location? {
        val lat = s[latitude]
        val lon = s[longitude]
        if (lat == null && lon == null) return null
        if (lat == null || lon == null) {
            val given = lat?.source?.input ?: lon?.source?.input
            throw UsageError("$given was given alone: sun triggers need both --latitude and --longitude")
        }
        return Location(lat.value, lon.value)
    }

    /** How the CLI names a setting the library calls [option] (`location` is two options here). */
    fun optionName(option: String): String? = when (option) {
        "location" -> "--latitude/--longitude (MQTTFLOW_LATITUDE/MQTTFLOW_LONGITUDE)"
        else -> null
    }

    private fun degrees(text: String, max: Double, what: String): Double {
        val d = text.trim().toDoubleOrNull()?.takeIf { it in -max..max }
        return d ?: throw BadValue("expected $what, got '${text.take(MAX_SHOWN)}'")
    }
}
