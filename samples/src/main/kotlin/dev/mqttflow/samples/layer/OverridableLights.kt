package dev.mqttflow.samples.layer

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.samples.lights.isMotion
import dev.mqttflow.samples.lights.lightTopic
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant

/**
 * A channel-layer message: switch [room]'s light [on] or off and hold it so for [minutes], whatever
 * the motion sensor says. On the wire: `{"type":"lights.override","room":"hall","on":false,"minutes":30}`.
 */
@Serializable
@SerialName("lights.override")
data class LightsOverride(val room: String, val on: Boolean, val minutes: Int = DEFAULT_HOLD_MINUTES) {
    init {
        require(minutes >= 0) { "an override holds for 0 minutes or more, not $minutes" }
    }

    companion object {
        const val DEFAULT_HOLD_MINUTES = 30
    }
}

data class OverridableLightsSettings(
    /** The layer group the lights join; overrides are sent to it. */
    val group: String = DEFAULT_GROUP,
    /** How often the worker renews its group membership (groups lapse after a day unless renewed). */
    val renewEvery: Duration = 12.hours,
    val qos: Int = 1,
) {
    companion object {
        const val DEFAULT_GROUP = "lights"
    }
}

/**
 * The lights of the layer sample: motion on `home/{room}/motion` turns the room's light on at
 * `home/lights/{room}/set`, unless the room is held by a [LightsOverride]; an override, received
 * over the channel layer from anywhere (another consumer, a `main`, another process through
 * Redis), switches the light at once and holds it for its minutes.
 */
fun overridableLights(settings: OverridableLightsSettings = OverridableLightsSettings()): Consumer {
    val log = LoggerFactory.getLogger("mqttflow.samples.layer")
    val heldUntil = ConcurrentHashMap<String, Instant>()
    return mqttConsumer("overridable-lights") {
        onConnect {
            subscribe("home/+/motion", qos = settings.qos)
            layer.groupAdd(settings.group, channelName)
            launch {
                while (true) {
                    delay(settings.renewEvery)
                    layer.groupAdd(settings.group, channelName)
                }
            }
        }
        onMessage("home/{room}/motion") { msg ->
            val room = msg.vars.getValue("room")
            val until = heldUntil[room]
            when {
                !isMotion(msg.text) -> Unit
                until != null && clock.now() < until -> log.info("{}: motion ignored, held until {}", room, until)
                else -> publish(lightTopic(room), "on", qos = settings.qos)
            }
        }
        on<LightsOverride> { override ->
            heldUntil[override.room] = clock.now() + override.minutes.minutes
            publish(lightTopic(override.room), if (override.on) "on" else "off", qos = settings.qos)
        }
    }
}
