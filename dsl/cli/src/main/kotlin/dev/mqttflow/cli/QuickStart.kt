package dev.mqttflow.cli

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.mqttConsumer
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The consumers of `mqttflow quickstart`: a motion-lights automation, a monitor that prints what
 * crosses the broker, and a demo that sends a few motion events. Also runnable as targets:
 *
 * ```
 * mqttflow run --embedded-broker dev.mqttflow.cli.QuickStart#lights dev.mqttflow.cli.QuickStart#monitor
 * ```
 */
public object QuickStart {
    /** Default time the lights stay on after the last motion. */
    public val DEFAULT_OFF_AFTER: Duration = 4.seconds

    /** Motion lights printing to stdout, lights off [DEFAULT_OFF_AFTER] after the last motion. */
    public val lights: Consumer get() = motionLights()

    /** A monitor printing every `home/#` message to stdout. */
    public val monitor: Consumer get() = monitor()

    /**
     * On `home/{room}/motion` with payload `1` or `on`, publishes `on` to `home/lights/{room}/set`,
     * and `off` [offAfter] after the room's last motion. Each call returns a consumer with its own timers.
     */
    public fun motionLights(offAfter: Duration = DEFAULT_OFF_AFTER, say: (String) -> Unit = ::println): Consumer =
        motionLights(offAfter, say) {}

    /** Prints every message under `home/` with [say]. */
    public fun monitor(say: (String) -> Unit = ::println): Consumer = monitor(say) {}

    internal fun motionLights(offAfter: Duration, say: (String) -> Unit, onReady: () -> Unit): Consumer {
        val timers = ConcurrentHashMap<String, Job>()
        return mqttConsumer("lights") {
            onConnect {
                subscribe("home/+/motion", qos = 1)
                onReady()
            }
            onMessage("home/{room}/motion") { msg ->
                val room = msg.vars.getValue("room")
                if (msg.text.trim().lowercase() !in MOTION) return@onMessage
                say("[lights]  motion in $room: publishing home/lights/$room/set = on (off in $offAfter)")
                publish("home/lights/$room/set", "on", qos = 1)
                timers.remove(room)?.cancel()
                timers[room] = launch {
                    delay(offAfter)
                    say("[lights]  no motion in $room for $offAfter: publishing home/lights/$room/set = off")
                    publish("home/lights/$room/set", "off", qos = 1)
                }
            }
            onDisconnect { timers.values.forEach { it.cancel() } }
        }
    }

    internal fun monitor(say: (String) -> Unit, onReady: () -> Unit): Consumer = mqttConsumer("monitor") {
        onConnect {
            subscribe("home/#", qos = 1)
            onReady()
        }
        onMessage { msg -> say("[monitor] received ${msg.topic} = ${msg.text}") }
    }

    /**
     * Waits for [ready], publishes a few motion events, waits until the lights went off again
     * ([offAfter]), then prints how to send your own.
     */
    internal fun demo(say: (String) -> Unit, offAfter: Duration, ready: suspend () -> Unit, tryIt: String): Consumer =
        mqttConsumer("demo") {
            onConnect {
                launch {
                    ready()
                    for ((room, payload) in DEMO) {
                        say("[demo]    publishing home/$room/motion = $payload")
                        publish("home/$room/motion", payload, qos = 1)
                        delay(DEMO_PACE)
                    }
                    delay(offAfter)
                    say("[demo]    done. Send your own motion (Ctrl-C stops mqttflow):")
                    say("          $tryIt")
                }
            }
        }

    private val MOTION = setOf("1", "on", "true")
    private val DEMO = listOf("kitchen" to "1", "hall" to "1", "kitchen" to "0")
    private val DEMO_PACE = 1.5.seconds
}
