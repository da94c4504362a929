package dev.mqttflow.samples.layer

import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.fromUrl
import dev.mqttflow.layer.groupSend
import dev.mqttflow.samples.exitOnConfigError
import dev.mqttflow.samples.runSample
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.channels.trySendBlocking
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.channelFlow
import java.io.InputStream
import kotlin.concurrent.thread

/**
 * The layer sample: the channel layer used from outside any consumer.
 *
 * [main] runs [overridableLights] and, beside it in the same process, a plain coroutine that reads
 * commands from the terminal (`hall off`, `kitchen on 10`) and sends each as a [LightsOverride]
 * to the lights' group with `layer.groupSend`. No consumer is involved on the sending side.
 *
 * The layer is `ChannelLayer.fromUrl(MQTTFLOW_LAYER)`: in memory by default; with
 * `MQTTFLOW_LAYER=redis://127.0.0.1:6379` it is shared through Redis, and [OverrideSender]'s `main`
 * in another process (with no MQTT connection at all) can send the same commands.
 */
fun main() = exitOnConfigError {
    val layer = ChannelLayer.fromUrl(System.getenv(LAYER_ENV))
    layer.use {
        println("mqttflow layer sample: layer $layer; type commands like 'hall off' or 'kitchen on 10' (minutes)")
        runSample(layer = layer, alongside = { sendCommands(stdinLines(), layer) }) { listOf(overridableLights()) }
    }
}

/** The environment variable naming the channel layer: `memory://` (the default) or `redis://host:port`. */
const val LAYER_ENV = "MQTTFLOW_LAYER"

/** `ROOM on|off [MINUTES]` as an override, or null. */
fun parseCommand(line: String): LightsOverride? {
    val words = line.trim().split(Regex("\\s+"))
    if (words.size !in 2..3 || words[0].isEmpty() || words[0].any { it in "/+#" }) return null
    val on = when (words[1].lowercase()) {
        "on" -> true
        "off" -> false
        else -> return null
    }
    val minutes = if (words.size == 3) words[2].toIntOrNull()?.takeIf { it >= 0 } ?: return null else null
    return if (minutes == null) LightsOverride(words[0], on) else LightsOverride(words[0], on, minutes)
}

/**
 * Sends each command of [lines] to [group] as a [LightsOverride]; blank lines are skipped, others
 * that are not commands are answered with the usage on [report]. Returns when [lines] ends.
 */
suspend fun sendCommands(
    lines: Flow<String>,
    layer: ChannelLayer,
    group: String = OverridableLightsSettings.DEFAULT_GROUP,
    report: (String) -> Unit = ::println,
) {
    lines.collect { line ->
        if (line.isBlank()) return@collect
        val override = parseCommand(line)
        if (override == null) {
            report("not a command: '$line'; type ROOM on|off [MINUTES], e.g. 'hall off' or 'kitchen on 10'")
        } else {
            layer.groupSend(group, override)
            report("sent $override to group '$group'")
        }
    }
}

/**
 * The lines of [input]. A daemon thread reads them, since a blocked read cannot be cancelled; it
 * dies with the JVM.
 */
fun stdinLines(input: InputStream = System.`in`): Flow<String> = channelFlow {
    thread(isDaemon = true, name = "sample-stdin") {
        input.bufferedReader().lineSequence().forEach { trySendBlocking(it) }
        channel.close()
    }
    awaitClose()
}
