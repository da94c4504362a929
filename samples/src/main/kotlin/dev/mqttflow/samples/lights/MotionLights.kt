package dev.mqttflow.samples.lights

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.tables
import dev.mqttflow.database.transaction
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.samples.runSample
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.insert
import org.slf4j.LoggerFactory
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes

/**
 * Sample 1, motion-triggered lights (mqttasgi's first idea).
 *
 * A motion sensor publishes to `home/{room}/motion`. Every motion event is stored in
 * [MotionEvents]; the room's light gets `on` at `home/lights/{room}/set`, and `off` once the room
 * has been quiet for [MotionLightsSettings.quietPeriod]. New motion restarts that timer.
 * Payloads `0`, `false`, `off` and `no` mean "no motion" and are ignored.
 */
object MotionEvents : Table("motion_events") {
    val id = long("id").autoIncrement()
    val room = varchar("room", 64)
    val atEpochMs = long("at_epoch_ms")
    override val primaryKey = PrimaryKey(id)
}

data class MotionLightsSettings(val quietPeriod: Duration = 5.minutes, val qos: Int = 1) {
    init {
        require(quietPeriod.isPositive()) { "the quiet period must be positive, not $quietPeriod" }
    }

    companion object {
        /** The quiet period from `LIGHTS_QUIET_PERIOD` (`30s`, `5m`, `1h 30m`), if set. */
        fun fromEnvironment(env: Map<String, String> = System.getenv()): MotionLightsSettings {
            val raw = env["LIGHTS_QUIET_PERIOD"] ?: return MotionLightsSettings()
            val period = Duration.parseOrNull(raw.trim())
            requireNotNull(period) { "LIGHTS_QUIET_PERIOD must be a duration like 30s or 5m, not '$raw'" }
            return MotionLightsSettings(quietPeriod = period)
        }
    }
}

/** The sample with its quiet period from `LIGHTS_QUIET_PERIOD`, else five minutes. */
fun motionLights(): Consumer = motionLights(MotionLightsSettings.fromEnvironment())

fun motionLights(settings: MotionLightsSettings): Consumer {
    val log = LoggerFactory.getLogger("mqttflow.samples.lights")
    val timers = QuietTimers(settings.quietPeriod)
    return mqttConsumer("motion-lights") {
        tables(MotionEvents)
        onConnect { subscribe("home/+/motion", qos = settings.qos) }
        onMessage("home/{room}/motion") { msg ->
            val room = msg.vars.getValue("room")
            if (!isMotion(msg.text)) {
                log.debug("{}: '{}' is not motion, ignored", msg.topic, msg.text)
                return@onMessage
            }
            val now = clock.now()
            transaction {
                MotionEvents.insert {
                    it[MotionEvents.room] = room
                    it[atEpochMs] = now.toEpochMilliseconds()
                }
            }
            publish(lightTopic(room), "on", qos = settings.qos)
            timers.restart(this, "$workerName/$room") { publish(lightTopic(room), "off", qos = settings.qos) }
        }
    }
}

fun lightTopic(room: String): String = "home/lights/$room/set"

private val NO_MOTION = setOf("0", "false", "off", "no")

/** True unless the sensor says the motion is over. */
fun isMotion(payload: String): Boolean = payload.trim().lowercase() !in NO_MOTION

/** Runs the sample: see docs/samples.md. */
fun main() = runSample { listOf(motionLights()) }
