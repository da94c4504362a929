package dev.mqttflow.script

import dev.mqttflow.ConsumerControl
import dev.mqttflow.errors.ScriptException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.io.File
import kotlin.time.Duration
import kotlin.time.TimeSource

/**
 * `--watch`: runs scripts' consumers and, when a script file changes, recompiles it; if that works,
 * stops the script's old consumers (their `onDisconnect` runs) and starts the new ones. Other
 * scripts keep running. If it does not compile, or its body throws, the old version keeps running
 * and the errors are reported.
 *
 * ```kotlin
 * MqttFlow(config).run(emptyList()) { ScriptReloader(host).run(this, scripts) }
 * ```
 */
public class ScriptReloader(
    private val host: ScriptHost,
    /** Told about every reload and every failed one; prints to standard error by default. */
    private val onEvent: (ReloadEvent) -> Unit = { System.err.println(it) },
    private val io: CoroutineDispatcher = Dispatchers.IO,
    /** Warm the compiler up in the background when the scripts came from the cache (see [ScriptHost.warmUp]). */
    private val warmUp: Boolean = true,
) {
    /**
     * Starts the consumers of [scripts] through [control], then reloads each script when [watcher]
     * reports its file changed; runs until cancelled.
     */
    public suspend fun run(
        control: ConsumerControl,
        scripts: List<LoadedScript>,
        watcher: ScriptWatcher = ScriptWatcher(scripts.map { it.file }),
    ): Unit = coroutineScope {
        val running = LinkedHashMap<File, List<String>>()
        for (script in scripts) running[script.file.absoluteFile] = script.consumers.map { control.start(it) }
        // Scripts that came from the cache left the compiler cold: warm it now, not at the first edit.
        if (warmUp && scripts.any { it.fromCache }) launch(io) { host.warmUp() }
        watcher.changes().collect { file ->
            val key = file.absoluteFile
            val shown = scripts.firstOrNull { it.file.absoluteFile == key }?.displayName ?: file.path
            val replaced = reload(control, file, shown, running[key].orEmpty())
            if (replaced != null) running[key] = replaced
        }
    }

    /** Reloads [file]; returns the new worker names, or null when the old version stays. */
    private suspend fun reload(control: ConsumerControl, file: File, shown: String, old: List<String>): List<String>? {
        val started = TimeSource.Monotonic.markNow()
        val compiled = withContext(io) { host.compile(file, shown) }
        val script = try {
            withContext(io) { host.load(compiled) }
        } catch (e: ScriptException) {
            onEvent(ReloadEvent.Failed(file, e.message.orEmpty(), shown))
            return null
        }
        // queued messages of the old version go to the new version's consumer of the same name
        val names = control.replace(old, script.consumers)
        onEvent(ReloadEvent.Reloaded(file, names, started.elapsedNow(), compiled.elapsed, shown))
        return names
    }
}

/** What a [ScriptReloader] did after a script changed. */
public sealed interface ReloadEvent {
    /** The script. */
    public val file: File

    /**
     * The new version runs: its consumers started as [workers], [elapsed] after the change was seen,
     * [compileTime] of which went to compiling.
     */
    public class Reloaded(
        override val file: File,
        public val workers: List<String>,
        public val elapsed: Duration,
        public val compileTime: Duration,
        /** The script as messages name it. */
        public val displayName: String = file.path,
    ) : ReloadEvent {
        override fun toString(): String = "reloaded $displayName in ${elapsed.inWholeMilliseconds} ms " +
            "(compiling ${compileTime.inWholeMilliseconds} ms): running ${workers.joinToString()}"
    }

    /** The new version did not compile or its body threw ([errors], one per line); the old one runs on. */
    public class Failed(
        override val file: File,
        public val errors: String,
        /** The script as messages name it. */
        public val displayName: String = file.path,
    ) : ReloadEvent {
        override fun toString(): String = "$errors\n$displayName: not reloaded; the previous version keeps running"
    }
}
