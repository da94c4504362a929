package dev.mqttflow.samples.energy

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.tables
import dev.mqttflow.database.transaction
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.samples.runSample
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.insert
import org.slf4j.LoggerFactory

/**
 * Sample 3, energy monitor (mqttasgi's third idea).
 *
 * Meters publish their power draw in watts to `home/energy/{device}` (a plain number such as
 * `1250` or `1250.5`). Every reading is stored in [EnergyReadings]; a reading above
 * [EnergySettings.thresholdWatts] also publishes an alert to `home/alerts/energy`, e.g.
 * `{"device":"oven","watts":3500.0,"threshold":3000.0}`. A payload that is not a number is logged
 * as a warning naming the topic and payload, and nothing is stored.
 */
object EnergyReadings : Table("energy_readings") {
    val id = long("id").autoIncrement()
    val device = varchar("device", 128)
    val watts = double("watts")
    val atEpochMs = long("at_epoch_ms")
    override val primaryKey = PrimaryKey(id)
}

data class EnergySettings(
    val thresholdWatts: Double = DEFAULT_THRESHOLD_WATTS,
    val alertTopic: String = "home/alerts/energy",
    val qos: Int = 1,
) {
    init {
        require(thresholdWatts.isFinite()) { "the threshold must be a number of watts, not $thresholdWatts" }
    }

    companion object {
        const val DEFAULT_THRESHOLD_WATTS = 3000.0

        /** The threshold from `ENERGY_THRESHOLD_WATTS`, if set. */
        fun fromEnvironment(env: Map<String, String> = System.getenv()): EnergySettings {
            val raw = env["ENERGY_THRESHOLD_WATTS"] ?: return EnergySettings()
            val watts = parseWatts(raw)
            requireNotNull(watts) { "ENERGY_THRESHOLD_WATTS must be a number of watts, not '$raw'" }
            return EnergySettings(thresholdWatts = watts)
        }
    }
}

/** The sample with its threshold from `ENERGY_THRESHOLD_WATTS` or 3000 W. */
fun energyMonitor(): Consumer = energyMonitor(EnergySettings.fromEnvironment())

fun energyMonitor(settings: EnergySettings): Consumer {
    val log = LoggerFactory.getLogger("mqttflow.samples.energy")
    return mqttConsumer("energy-monitor") {
        tables(EnergyReadings)
        onConnect { subscribe("home/energy/+", qos = settings.qos) }
        onMessage("home/energy/{device}") { msg ->
            val device = msg.vars.getValue("device")
            val watts = parseWatts(msg.text)
            if (watts == null) {
                log.warn("{}: '{}' is not a number of watts; reading skipped", msg.topic, msg.text.take(MAX_SHOWN))
                return@onMessage
            }
            val now = clock.now()
            transaction {
                EnergyReadings.insert {
                    it[EnergyReadings.device] = device
                    it[EnergyReadings.watts] = watts
                    it[atEpochMs] = now.toEpochMilliseconds()
                }
            }
            if (watts > settings.thresholdWatts) {
                publish(settings.alertTopic, alertJson(device, watts, settings.thresholdWatts), qos = settings.qos)
            }
        }
    }
}

private const val MAX_SHOWN = 100

/** The watts in [payload] (`1250`, ` 1250.5 `), or null when it is not a finite number. */
fun parseWatts(payload: String): Double? = payload.trim().toDoubleOrNull()?.takeIf { it.isFinite() }

/** The alert's JSON body. */
fun alertJson(device: String, watts: Double, threshold: Double): String =
    """{"device":${jsonString(device)},"watts":$watts,"threshold":$threshold}"""

private fun jsonString(s: String): String = buildString {
    append('"')
    for (c in s) {
        when {
            c == '"' || c == '\\' -> append('\\').append(c)
            c < ' ' -> append("\\u%04x".format(c.code))
            else -> append(c)
        }
    }
    append('"')
}

/** Runs the sample: see docs/samples.md. */
fun main() = runSample { listOf(energyMonitor()) }
