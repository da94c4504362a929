package dev.mqttflow.cli

/**
 * The option a [dev.mqttflow.errors.ConfigException] is reported under. The libraries name the value
 * at fault in their own words ("channel layer URL", "database URL"), since they know no command line;
 * the command line reports it under its own option, `--layer` or `--db-url`.
 */
internal object LibrarySettingNames {
    private val byLibraryName: Map<String, Setting<*>> = mapOf(
        "channel layer URL" to Settings.layer,
        "database URL" to Settings.dbUrl,
    )

    /** `--layer` for "channel layer URL" or "layer"; [name] itself when no option has that name. */
    fun optionFor(name: String): String =
        (Settings.all.firstOrNull { it.key == name } ?: byLibraryName[name])?.longName ?: name
}
