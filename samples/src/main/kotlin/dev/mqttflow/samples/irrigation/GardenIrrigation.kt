package dev.mqttflow.samples.irrigation

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.tables
import dev.mqttflow.database.transaction
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.samples.runSample
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.core.and
import org.jetbrains.exposed.v1.core.eq
import org.jetbrains.exposed.v1.jdbc.selectAll
import org.jetbrains.exposed.v1.jdbc.upsert
import org.slf4j.LoggerFactory
import java.time.ZoneId
import kotlin.time.Instant

/**
 * Sample 5, garden irrigation (mqttasgi's fifth idea).
 *
 * [IrrigationSchedule] says, per zone and hour of the day, whether watering is allowed; set a row
 * by publishing `on` or `off` to `garden/{zone}/schedule/{hour}`. Soil sensors publish their
 * moisture in percent to `garden/{zone}/moisture`; each reading answers on `garden/{zone}/valve`:
 * `open` only when the zone's schedule row for the current hour is active and the moisture is below
 * [IrrigationSettings.dryBelowPercent] (30), `close` otherwise. The hour comes from the worker's
 * injected clock in [IrrigationSettings.zone], so tests move time.
 */
object IrrigationSchedule : Table("irrigation_schedule") {
    val zone = varchar("zone", 64)
    val hour = integer("hour")
    val active = bool("active")
    override val primaryKey = PrimaryKey(zone, hour)
}

data class IrrigationSettings(
    val dryBelowPercent: Double = 30.0,
    val zone: ZoneId = ZoneId.systemDefault(),
    val qos: Int = 1,
)

/** The sample with its defaults: dry below 30 %, hours in this machine's time zone. */
fun gardenIrrigation(): Consumer = gardenIrrigation(IrrigationSettings())

fun gardenIrrigation(settings: IrrigationSettings): Consumer {
    val log = LoggerFactory.getLogger("mqttflow.samples.irrigation")
    return mqttConsumer("garden-irrigation") {
        tables(IrrigationSchedule)
        onConnect {
            subscribe("garden/+/moisture", qos = settings.qos)
            subscribe("garden/+/schedule/+", qos = settings.qos)
        }
        onMessage("garden/{zone}/schedule/{hour}") { msg ->
            val zone = msg.vars.getValue("zone")
            val entry = parseScheduleEntry(msg.vars.getValue("hour"), msg.text)
            if (entry == null) {
                log.warn("{}: expected an hour 0-23 in the topic and on/off as payload, got '{}'", msg.topic, msg.text)
                return@onMessage
            }
            transaction {
                IrrigationSchedule.upsert {
                    it[IrrigationSchedule.zone] = zone
                    it[hour] = entry.hour
                    it[active] = entry.active
                }
            }
        }
        onMessage("garden/{zone}/moisture") { msg ->
            val zone = msg.vars.getValue("zone")
            val moisture = msg.text.trim().toDoubleOrNull()?.takeIf { it.isFinite() }
            if (moisture == null) {
                log.warn("{}: '{}' is not a moisture percentage; reading skipped", msg.topic, msg.text.take(MAX_SHOWN))
                return@onMessage
            }
            val hour = hourOfDay(clock.now(), settings.zone)
            val active = transaction {
                IrrigationSchedule.selectAll()
                    .where { (IrrigationSchedule.zone eq zone) and (IrrigationSchedule.hour eq hour) }
                    .any { it[IrrigationSchedule.active] }
            }
            publish("garden/$zone/valve", valveCommand(active, moisture, settings.dryBelowPercent), qos = settings.qos)
        }
    }
}

private const val MAX_SHOWN = 100
private const val HOURS = 24

data class ScheduleEntry(val hour: Int, val active: Boolean)

/** An hour (0-23) and `on`/`off` (also `true`/`false`, `1`/`0`), or null. */
fun parseScheduleEntry(hour: String, payload: String): ScheduleEntry? {
    val h = hour.toIntOrNull()?.takeIf { it in 0 until HOURS } ?: return null
    val active = when (payload.trim().lowercase()) {
        "on", "true", "1" -> true
        "off", "false", "0" -> false
        else -> return null
    }
    return ScheduleEntry(h, active)
}

/** The hour of the day of [instant] in [zone]. */
fun hourOfDay(instant: Instant, zone: ZoneId): Int =
    java.time.Instant.ofEpochMilli(instant.toEpochMilliseconds()).atZone(zone).hour

/** `open` when watering is scheduled now and the soil is dry, else `close`. */
fun valveCommand(scheduledNow: Boolean, moisturePercent: Double, dryBelowPercent: Double): String =
    if (scheduledNow && moisturePercent < dryBelowPercent) "open" else "close"

/** Runs the sample: see docs/samples.md. */
fun main() = runSample { listOf(gardenIrrigation()) }
