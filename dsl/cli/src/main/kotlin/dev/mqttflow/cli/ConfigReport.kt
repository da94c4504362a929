package dev.mqttflow.cli

import dev.mqttflow.config.MqttFlowConfig

/**
 * The text of `mqttflow run --print-config`: every setting, its effective value (secrets as
 * `****`) and where the value came from.
 *
 * ```
 * host              broker.local       environment (MQTT_HOSTNAME)
 * port              8883               default (8883 with TLS)
 * password          ****               .env:3 (MQTT_PASSWORD)
 * ```
 */
internal object ConfigReport {
    private const val KEY_WIDTH = 18
    private const val VALUE_WIDTH = 28

    fun render(settings: ResolvedSettings, envFile: String): String = buildString {
        appendLine("# effective configuration (command line > environment > $envFile > defaults)")
        for (setting in Settings.all) {
            val resolved = settings[setting]
            val (value, source) = when {
                setting == Settings.port && resolved == null -> defaultPort(settings)
                resolved == null -> setting.show(null) to ""
                else -> setting.show(resolved.value) to resolved.source.toString()
            }
            append(setting.key.padEnd(KEY_WIDTH))
            append(' ')
            append(value.padEnd(VALUE_WIDTH))
            append(' ')
            appendLine(source)
        }
    }.lines().joinToString("\n") { it.trimEnd() }

    private fun defaultPort(settings: ResolvedSettings): Pair<String, String> {
        val tls = settings.value(Settings.useSsl) == true || settings[Settings.cert] != null ||
            settings[Settings.caCert] != null
        return if (tls) {
            MqttFlowConfig.DEFAULT_TLS_PORT.toString() to "default (8883 with TLS)"
        } else {
            MqttFlowConfig.DEFAULT_PORT.toString() to "default"
        }
    }
}
