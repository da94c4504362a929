package dev.mqttflow.cli

import dev.mqttflow.config.MqttVersion
import dev.mqttflow.config.Transport

/**
 * A value that does not parse; [reason] says what was expected. It quotes the value only for settings
 * that are never secret (numbers, booleans, durations); a password or URL is never repeated.
 */
internal class BadValue(val reason: String, cause: Throwable? = null) : Exception(reason, cause)

/**
 * One configurable thing of `mqttflow run`: its command-line names, its environment variable
 * (also looked up in `.env`), its default and how to read it from text. [secret] values are
 * masked wherever they are shown.
 */
internal class Setting<T : Any>(
    val key: String,
    val names: List<String>,
    val env: String,
    val metavar: String,
    val help: String,
    val default: T? = null,
    val defaultText: String? = default?.toString(),
    val secret: Boolean = false,
    /** On the command line a flag without a value (`--use-ssl`); in the environment a boolean. */
    val isFlag: Boolean = false,
    /** How a value is shown when it is partly secret (a URL with a password in it). */
    val display: ((String) -> String)? = null,
    val parse: (String) -> T,
) {
    /** The long command-line name, as errors quote it. */
    val longName: String get() = names.last()

    fun show(value: Any?): String = when {
        value == null -> "(" + (defaultText ?: "not set") + ")"
        secret -> "****"
        display != null -> display.invoke(value.toString())
        value is Transport -> value.name.lowercase()
        value is MqttVersion -> value.label
        else -> value.toString()
    }
}
