package dev.mqttflow.samples.layer

import dev.mqttflow.errors.ConfigException
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.layer.fromUrl
import dev.mqttflow.samples.exitOnConfigError
import kotlinx.coroutines.runBlocking

/**
 * The other process of the layer sample: no consumer, no MQTT connection, only the channel layer.
 * It reads commands (`hall off`, `kitchen on 10`) from standard input and sends each as a
 * [LightsOverride] through Redis to the lights of an `OverrideFromOutside` process that shares the
 * same `MQTTFLOW_LAYER`. It ends when standard input does.
 *
 * ```sh
 * echo 'hall off' | MQTTFLOW_LAYER=redis://127.0.0.1:6379 mvn -q -pl samples -am compile exec:java \
 *     -Dexec.mainClass=dev.mqttflow.samples.layer.OverrideSenderKt
 * ```
 */
fun main() = exitOnConfigError {
    val url = System.getenv(LAYER_ENV)?.takeIf { it.isNotBlank() } ?: throw ConfigException(
        LAYER_ENV,
        "is not set; the sender reaches the lights process through Redis: export $LAYER_ENV=redis://127.0.0.1:6379",
    )
    ChannelLayer.fromUrl(url).use { layer ->
        if (layer is InMemoryChannelLayer) {
            throw ConfigException(LAYER_ENV, "'$url' is this process's own memory; another process needs redis://…")
        }
        runBlocking { sendCommands(stdinLines(), layer) }
    }
}
