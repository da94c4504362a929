package dev.mqttflow.cli

import com.github.ajalt.clikt.core.UsageError

/** Where a setting's value came from, in the words `--print-config` and errors use. */
internal sealed interface Source {
    /** How an error names the input: `--port`, `MQTT_PORT (environment)`, `MQTT_PORT (.env:3)`. */
    val input: String

    data class CommandLine(val flag: String) : Source {
        override val input: String get() = flag
        override fun toString(): String = "command line ($flag)"
    }

    data class Environment(val variable: String) : Source {
        override val input: String get() = "$variable (environment)"
        override fun toString(): String = "environment ($variable)"
    }

    data class DotEnvFile(val file: String, val line: Int, val variable: String) : Source {
        override val input: String get() = "$variable ($file:$line)"
        override fun toString(): String = "$file:$line ($variable)"
    }

    data object Default : Source {
        override val input: String get() = "the default"
        override fun toString(): String = "default"
    }
}

/** A setting's value and its [source]. */
internal data class Resolved<T : Any>(val value: T, val source: Source)

/**
 * The layers a setting is looked up in, highest first: the command line, the environment, the
 * `.env` file, the default. The environment is a map, so tests never touch the real one. An empty
 * value in the environment or `.env` counts as unset (as docker-compose's `VAR=` does).
 */
internal class Layers(
    private val commandLine: Map<Setting<*>, Any>,
    private val environment: Map<String, String>,
    private val dotEnv: DotEnv?,
) {
    @Suppress("UNCHECKED_CAST")
    fun <T : Any> resolve(setting: Setting<T>): Resolved<T>? {
        commandLine[setting]?.let { return Resolved(it as T, Source.CommandLine(setting.longName)) }
        environment[setting.env]?.takeIf { it.isNotEmpty() }?.let { text ->
            return Resolved(parse(setting, text, Source.Environment(setting.env)), Source.Environment(setting.env))
        }
        val file = dotEnv
        file?.get(setting.env)?.takeIf { it.value.isNotEmpty() }?.let { entry ->
            val source = Source.DotEnvFile(file.file.fileName.toString(), entry.line, setting.env)
            return Resolved(parse(setting, entry.value, source), source)
        }
        return setting.default?.let { Resolved(it, Source.Default) }
    }

    // A usage error is one line: the reason is all of BadValue there is to show.
    @Suppress("SwallowedException")
    private fun <T : Any> parse(setting: Setting<T>, text: String, source: Source): T = try {
        setting.parse(text)
    } catch (e: BadValue) {
        throw UsageError("invalid value for ${source.input}: ${e.reason}")
    }
}

/** Every setting resolved once; [get] is typed by the setting. */
internal class ResolvedSettings(private val values: Map<Setting<*>, Resolved<*>>) {
    @Suppress("UNCHECKED_CAST")
    operator fun <T : Any> get(setting: Setting<T>): Resolved<T>? = values[setting] as Resolved<T>?

    fun <T : Any> value(setting: Setting<T>): T? = get(setting)?.value

    /** The value of a setting that has a default. */
    fun <T : Any> required(setting: Setting<T>): T =
        value(setting) ?: error("${setting.key} has no default") // unreachable: defaults are in Settings

    fun sourceOf(setting: Setting<*>): Source? = values[setting]?.source

    companion object {
        fun resolve(layers: Layers): ResolvedSettings =
            ResolvedSettings(Settings.all.mapNotNull { s -> layers.resolve(s)?.let { s to it } }.toMap())
    }
}
