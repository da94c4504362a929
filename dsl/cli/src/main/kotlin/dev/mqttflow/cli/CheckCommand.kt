package dev.mqttflow.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.ProgramResult
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.arguments.multiple
import com.github.ajalt.clikt.parameters.options.convert
import com.github.ajalt.clikt.parameters.options.option
import dev.mqttflow.script.ScriptCache
import dev.mqttflow.script.ScriptHost
import dev.mqttflow.script.TopicLint
import java.nio.file.Path

/**
 * `mqttflow check FILE…`: compiles `.mqtt.kts` scripts without running them, and checks their
 * literal topic filters and patterns ([TopicLint]). Every error and warning is one line on stderr,
 * `file:line:col: error: …`; the exit code is 2 when any script has an error, else 0. Compiled
 * scripts go to the cache, so a `run` after a `check` starts fast.
 */
internal class CheckCommand(private val context: CliContext) : CliktCommand(name = "check") {
    private val cacheOption by option(
        "--script-cache",
        metavar = cache.metavar,
        help = "${cache.help} [env ${cache.env}; default ${cache.defaultText}]",
    ).convert { text ->
        try {
            cache.parse(text)
        } catch (e: BadValue) {
            fail(e.reason)
        }
    }
    private val files by argument("FILE", help = "a script, like hall-light.mqtt.kts").multiple(required = true)

    override fun help(context: Context): String = "Compile .mqtt.kts scripts without running them."

    override fun helpEpilog(context: Context): String =
        "Exit codes: 0 every script compiled, 2 a script has errors (printed as file:line:col: error: ...) " +
            "or a usage error. Scripts are described in docs/scripts.md."

    // A missing file is a usage error of one line: its message is all there is to show.
    @Suppress("SwallowedException")
    override fun run() {
        val notScripts = files.filterNot { it.endsWith(ScriptTargetLoader.SUFFIX) }
        if (notScripts.isNotEmpty()) {
            throw UsageError("${notScripts.first()}: not a script; script names end in ${ScriptTargetLoader.SUFFIX}")
        }
        val loader =
            ScriptTargetLoader(ScriptHost(ScriptCache(resolveScriptCacheDir(context, cacheOption))), context.workDir)
        val results = try {
            loader.compileAll(files)
        } catch (e: TargetException) {
            throw UsageError(e.message ?: e.target)
        }
        // Beyond the compiler: literal topic filters MQTT refuses (subscribe("a/#/b")), found before a run.
        val lint = results.associateWith { TopicLint.check(it.file.readText(), it.displayName) }
        results.flatMap { it.problems + lint.getValue(it) }.forEach { context.err.println(it) }
        val failed = results.filter { !it.isSuccess || lint.getValue(it).isNotEmpty() }
        if (failed.isNotEmpty()) throw ProgramResult(ExitCode.USAGE)
        context.out.println("${results.size} script(s) compiled without errors")
    }

    private companion object {
        val cache = Settings.scriptCache
    }
}

/**
 * The compiled-script cache folder: [commandLine] (`--script-cache`), else `MQTTFLOW_SCRIPT_CACHE`
 * from the environment or `.env`, else `$XDG_CACHE_HOME/mqttflow`, else `~/.cache/mqttflow`.
 * A relative folder is taken from the working directory.
 */
internal fun resolveScriptCacheDir(context: CliContext, commandLine: Path?): Path {
    val layers =
        Layers(listOfNotNull(commandLine?.let { Settings.scriptCache to it }).toMap(), context.env, readDotEnv(context))
    return scriptCacheDir(context, layers.resolve(Settings.scriptCache)?.value)
}

/** [chosen] (resolved against the working directory), or the default folder when nothing was chosen. */
internal fun scriptCacheDir(context: CliContext, chosen: Path?): Path =
    context.workDir.resolve(chosen ?: ScriptCache.defaultDirectory(context.env - ScriptCache.ENV))

// A .env problem is one line: its message names file:line.
@Suppress("SwallowedException")
private fun readDotEnv(context: CliContext): DotEnv? = try {
    DotEnv.read(context.workDir.resolve(".env"))
} catch (e: DotEnvException) {
    throw UsageError(e.message ?: e.where)
}
