package dev.mqttflow.cli

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.script.LoadedScript
import dev.mqttflow.script.ScriptHost
import dev.mqttflow.script.ScriptResult
import java.io.File
import java.nio.file.Files
import java.nio.file.Path

/**
 * `lights.mqtt.kts`: a script TARGET, resolved against [workDir] and named in messages as the user
 * wrote it. [compileAll] compiles every script of a command line first, so that all their errors
 * are printed together, before anything connects; [load] then runs each one's body and keeps the
 * [LoadedScript] for `--watch`.
 */
internal class ScriptTargetLoader(val host: ScriptHost, private val workDir: Path) : TargetLoader {
    private val compiled = HashMap<String, ScriptResult>()
    private val scripts = mutableListOf<LoadedScript>()

    /** The scripts [load] loaded, in order. */
    val loaded: List<LoadedScript> get() = scripts.toList()

    override fun accepts(target: String): Boolean = target.endsWith(SUFFIX)

    /**
     * Compiles (or takes from the cache) each script among [targets]; a script file that is not
     * there is a [TargetException]. Returns the results, whose problems the caller prints.
     */
    fun compileAll(targets: List<String>): List<ScriptResult> = targets.filter(::accepts).distinct().map { target ->
        compiled.getOrPut(target) { compile(target) }
    }

    /** Runs the script's body; throws [dev.mqttflow.errors.ScriptException] if it does not compile or throws. */
    override fun load(target: String): List<Consumer> {
        val result = compiled.getOrPut(target) { compile(target) }
        val script = host.load(result)
        if (script.consumers.isEmpty()) {
            throw TargetException(
                target,
                "the script defines no consumer: add mqttConsumer { … }",
            )
        }
        scripts += script
        return script.consumers
    }

    private fun compile(target: String): ScriptResult {
        val file = fileOf(target)
        val problem = when {
            !file.exists() -> "file not found: $file"
            !Files.isRegularFile(file.toPath()) -> "not a file: $file"
            !file.canRead() -> "cannot read $file"
            else -> null
        }
        if (problem != null) throw TargetException(target, problem)
        return host.compile(file, target)
    }

    private fun fileOf(target: String): File = workDir.resolve(target).toFile()

    companion object {
        const val SUFFIX: String = ".mqtt.kts"
    }
}
