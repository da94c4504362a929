package dev.mqttflow.script

import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.nio.file.StandardCopyOption
import java.security.MessageDigest
import java.util.concurrent.atomic.AtomicInteger
import kotlin.script.experimental.api.CompiledScript
import kotlin.script.experimental.api.KotlinType
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.api.SourceCode
import kotlin.script.experimental.jvm.JvmDependency
import kotlin.script.experimental.jvm.baseClassLoader
import kotlin.script.experimental.jvm.impl.KJvmCompiledScript
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvm.loadDependencies
import kotlin.script.experimental.jvmhost.CompiledScriptJarsCache
import kotlin.script.experimental.jvmhost.saveToJar

/**
 * Compiled scripts on disk, one jar per key, in [directory]. The key is a SHA-256 over the script's
 * file name and text, the compilation configuration (imports, receiver, JVM target, classpath) and
 * [buildId], the build of mqttflow itself ([FrameworkBuild.id]): a script compiled by another build
 * of mqttflow, or against another classpath, is never reused. Old jars are never read again; delete
 * the folder to reclaim the space.
 *
 * [hits] and [misses] count lookups, for tests and `--verbose` output.
 */
public class ScriptCache @JvmOverloads constructor(
    /** Where the jars go; created when needed. */
    public val directory: Path = defaultDirectory(),
    /** The build the cached scripts must come from; tests inject another to play a new build. */
    public val buildId: String = FrameworkBuild.id,
) {
    private val log = LoggerFactory.getLogger("mqttflow.script")
    private val hitCount = AtomicInteger()
    private val missCount = AtomicInteger()
    private val jars = CompiledScriptJarsCache { script, configuration -> jarFor(script, configuration) }

    /** Lookups that found a compiled script. */
    public val hits: Int get() = hitCount.get()

    /** Lookups that found none (the script was then compiled). */
    public val misses: Int get() = missCount.get()

    /** The jar that holds [script] compiled with [configuration] (it may not exist yet). */
    internal fun jarFor(script: SourceCode, configuration: ScriptCompilationConfiguration): File =
        directory.resolve("${key(script, configuration)}.jar").toFile()

    internal fun get(script: SourceCode, configuration: ScriptCompilationConfiguration): CompiledScript? {
        val jar = jarFor(script, configuration)
        val found = try {
            // The Kotlin loader reads only the manifest and loads the classes later, when the script
            // runs: check the whole jar now, so that a damaged one is a miss (compiled again), not a
            // script that fails to run until someone deletes the cache.
            if (jar.exists()) CachedJar.problem(jar)?.let { throw java.io.IOException(it) }
            jars.get(script, configuration)?.also(::loadNow)
        } catch (e: Exception) {
            log.warn("compiled-script cache: cannot read {}: {}", jar, e.message)
            null
        }
        (if (found == null) missCount else hitCount).incrementAndGet()
        if (log.isDebugEnabled) {
            val why = if (jar.exists()) "its dependencies changed" else "not compiled before"
            log.debug("compiled-script cache: {} {}", if (found == null) "miss ($why)," else "hit,", jar)
        }
        return found
    }

    /**
     * Loads [compiled]'s class now, with the class loader [ScriptHost] runs scripts with: a jar whose
     * classes or metadata do not load is then a miss. (Left to the evaluator, such a jar failed with
     * a bare `RuntimeException: Compiled script is not loaded yet`, the real error lost.)
     */
    private fun loadNow(compiled: CompiledScript) {
        val loaded = try {
            runBlocking { compiled.getClass(LOADING) }
        } catch (e: LinkageError) {
            throw java.io.IOException("its classes do not load: $e", e)
        }
        if (loaded !is ResultWithDiagnostics.Success) {
            val why = loaded.reports.joinToString("; ") { it.render() }
            throw java.io.IOException(why.ifEmpty { "its class does not load" })
        }
    }

    /** Saves [compiled]; a cache that cannot be written is logged and skipped, never fatal. */
    internal fun store(compiled: CompiledScript, script: SourceCode, configuration: ScriptCompilationConfiguration) {
        val target = jarFor(script, configuration)
        try {
            Files.createDirectories(directory)
            // Write aside, then move: a reader never sees half a jar, two writers never mix theirs.
            val temp = Files.createTempFile(directory, target.nameWithoutExtension, ".tmp")
            (compiled as KJvmCompiledScript).saveToJar(temp.toFile())
            Files.move(temp, target.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
        } catch (e: Exception) {
            log.warn("compiled-script cache: cannot write {}: {}", target, e.message)
        }
    }

    /** The cache key of [script] under [configuration] and this cache's [buildId]. */
    internal fun key(script: SourceCode, configuration: ScriptCompilationConfiguration): String {
        val digest = MessageDigest.getInstance("SHA-256")
        fun add(chunk: String) {
            val bytes = chunk.encodeToByteArray()
            digest.update(bytes.size.toString().encodeToByteArray())
            digest.update(':'.code.toByte())
            digest.update(bytes)
        }
        add(FORMAT)
        add(buildId)
        add(script.name.orEmpty())
        add(script.text)
        configuration.notTransientData.entries.sortedBy { it.key.name }.forEach { (key, value) ->
            add(key.name)
            add(stable(value))
        }
        return digest.digest().toHex()
    }

    public companion object {
        /** The environment variable that overrides the cache folder. */
        public const val ENV: String = "MQTTFLOW_SCRIPT_CACHE"

        private const val FORMAT = "mqttflow-script-cache-1"

        /** How [ScriptHost] loads scripts: over this process's class loader, dependencies not loaded again. */
        private val LOADING = ScriptEvaluationConfiguration {
            jvm {
                baseClassLoader(MqttFlowScriptScope::class.java.classLoader)
                loadDependencies(false)
            }
        }

        /**
         * `$MQTTFLOW_SCRIPT_CACHE` if set, else `$XDG_CACHE_HOME/mqttflow`, else `~/.cache/mqttflow`.
         */
        public fun defaultDirectory(
            env: Map<String, String> = System.getenv(),
            home: String = System.getProperty("user.home"),
        ): Path {
            env[ENV]?.takeIf { it.isNotBlank() }?.let { return Paths.get(it) }
            val xdg = env["XDG_CACHE_HOME"]?.takeIf { it.isNotBlank() } ?: Paths.get(home, ".cache").toString()
            return Paths.get(xdg, "mqttflow")
        }

        /**
         * A rendering of a configuration value that is the same in every process: [KotlinType] has
         * no `toString` of its own, and identity hashes would make every key new.
         */
        internal fun stable(value: Any?): String = when (value) {
            null -> "null"
            is String, is Number, is Boolean, is Enum<*> -> value.toString()
            is KotlinType -> value.typeName + if (value.isNullable) "?" else ""
            is File -> value.absolutePath
            is JvmDependency -> value.classpath.joinToString(File.pathSeparator) { it.absolutePath }
            is Collection<*> -> value.joinToString(",", "[", "]") { stable(it) }
            is Map<*, *> -> value.entries.joinToString(",", "{", "}") { "${stable(it.key)}=${stable(it.value)}" }
            else -> value.toString()
        }
    }
}
