package dev.mqttflow.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.subcommands
import com.github.ajalt.clikt.parameters.options.versionOption

/** `mqttflow`: the root command; it only holds `--version` and the subcommands. */
internal class MqttflowCommand(vararg commands: CliktCommand) : CliktCommand(name = "mqttflow") {
    init {
        subcommands(commands.toList())
        versionOption(Version.current, names = setOf("--version")) { "mqttflow $it" }
    }

    override fun help(context: Context): String = "Run MQTT consumers written with mqttflow."

    override fun helpEpilog(context: Context): String =
        "Start with 'mqttflow quickstart'; run your own consumers with 'mqttflow run --help'."

    override fun run() = Unit
}

/** This build's version, from the jar's `version.properties` (filled in by Maven). */
internal object Version {
    val current: String by lazy {
        val props = java.util.Properties()
        Version::class.java.getResourceAsStream("/dev/mqttflow/cli/version.properties")?.use { props.load(it) }
        props.getProperty("version")?.takeUnless { it.startsWith("\${") } ?: "unknown"
    }
}
