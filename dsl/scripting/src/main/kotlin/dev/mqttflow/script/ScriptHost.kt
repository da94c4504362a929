package dev.mqttflow.script

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.errors.ScriptException
import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory
import java.io.File
import java.io.IOException
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock
import kotlin.script.experimental.api.CompiledScript
import kotlin.script.experimental.api.KotlinType
import kotlin.script.experimental.api.ResultValue
import kotlin.script.experimental.api.ResultWithDiagnostics
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.ScriptEvaluationConfiguration
import kotlin.script.experimental.api.baseClass
import kotlin.script.experimental.api.displayName
import kotlin.script.experimental.api.fileExtension
import kotlin.script.experimental.api.fileNamePattern
import kotlin.script.experimental.api.filePathPattern
import kotlin.script.experimental.api.hostConfiguration
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.host.FileScriptSource
import kotlin.script.experimental.host.StringScriptSource
import kotlin.script.experimental.host.withDefaultsFrom
import kotlin.script.experimental.jvm.BasicJvmScriptEvaluator
import kotlin.script.experimental.jvm.baseClassLoader
import kotlin.script.experimental.jvm.defaultJvmScriptingHostConfiguration
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvm.loadDependencies
import kotlin.script.experimental.jvmhost.JvmScriptCompiler
import kotlin.time.Duration
import kotlin.time.TimeSource

/**
 * Compiles and loads `.mqtt.kts` scripts.
 *
 * ```kotlin
 * val host = ScriptHost()
 * val script = host.load(File("hall-light.mqtt.kts"))   // throws ScriptException on errors
 * MqttFlow(config).run(script.consumers)
 * ```
 *
 * [compile] and [load] block for real time (a cold compile takes seconds; a [cache] hit tens of
 * milliseconds): call them before `runTest`, or on an IO thread. One compile runs at a time.
 */
public class ScriptHost(
    /** Where compiled scripts are kept between runs; null compiles every time. */
    public val cache: ScriptCache? = ScriptCache(),
    /** What scripts see through `env(name)`; tests pass their own settings here. */
    private val environment: Map<String, String> = System.getenv(),
    private val configuration: ScriptCompilationConfiguration = defaultConfiguration,
) {
    private val log = LoggerFactory.getLogger("mqttflow.script")
    private val compiler by lazy { JvmScriptCompiler(defaultJvmScriptingHostConfiguration) }
    private val evaluator = BasicJvmScriptEvaluator()
    private val lock = ReentrantLock()
    private val compileCount = AtomicInteger()

    /** How often the Kotlin compiler ran: scripts not found in the [cache]. */
    public val compilations: Int get() = compileCount.get()

    /**
     * Compiles a small script [times] times, bypassing the cache and the [compilations] count, so
     * that the compiles after it find the Kotlin compiler loaded and warm: a `--watch` reload then
     * takes about half a second instead of several seconds. Blocks for real seconds; run it in the
     * background.
     */
    public fun warmUp(times: Int = 2) {
        val source = StringScriptSource(WARM_UP_SCRIPT, "warm-up.${ScriptDefaults.EXTENSION}")
        repeat(times) { lock.withLock { runBlocking { compiler(source, configuration) } } }
    }

    /**
     * Compiles [file] (or takes it from the [cache]) without running it; see [ScriptResult.problems].
     * Messages name the script [displayName]: the path as the user gave it (`hall-light.mqtt.kts`).
     */
    public fun compile(file: File, displayName: String = file.path): ScriptResult {
        val started = TimeSource.Monotonic.markNow()
        val text = try {
            file.readText()
        } catch (e: IOException) {
            val problem = ScriptProblem(displayName, 0, 0, ScriptProblem.ERROR, "cannot read the script: $e")
            return ScriptResult(file, displayName, listOf(problem), null, false, started.elapsedNow())
        }
        val source = FileScriptSource(file, text)
        return lock.withLock {
            val cached = cache?.get(source, configuration)
            if (cached != null) {
                ScriptResult(file, displayName, emptyList(), cached, true, started.elapsedNow())
            } else {
                compileCount.incrementAndGet()
                val result = runBlocking { compiler(source, configuration) }
                val problems = ScriptProblem.from(result.reports, displayName, source.locationId)
                val compiled = (result as? ResultWithDiagnostics.Success)?.value
                if (compiled != null) cache?.store(compiled, source, configuration)
                ScriptResult(file, displayName, problems, compiled, false, started.elapsedNow())
            }
        }
    }

    /**
     * Compiles and runs [file], returning the consumers it defines. Throws [ScriptException] if it
     * does not compile (every error in the message, `file:line:col: error: …`) or if its body threw.
     */
    public fun load(file: File, displayName: String = file.path): LoadedScript = load(compile(file, displayName))

    /** Runs a script [compile] returned; throws [ScriptException] if it had errors or its body threw. */
    public fun load(result: ScriptResult): LoadedScript {
        val compiled = result.compiled
        val shown = result.displayName
        if (compiled == null || !result.isSuccess) throw problems(shown, result.errors, "did not compile")
        val name = ScriptDefaults.scriptName(result.file.name)
        val scope = MqttFlowScriptScope(name, environment)
        val value = evaluate(compiled, shown, scope)
        if (value is ResultValue.Error) throw bodyFailed(result.file, shown, value.error)
        val consumers = scope.finish()
        if (consumers.isEmpty()) log.warn("{} defines no consumer: add mqttConsumer { … }", shown)
        return LoadedScript(result.file, name, consumers, result.fromCache, shown, scope.templates())
    }

    private fun evaluate(compiled: CompiledScript, shown: String, scope: MqttFlowScriptScope): ResultValue {
        val evaluated = runBlocking { evaluator(compiled, evaluationConfiguration(scope)) }
        return (evaluated as? ResultWithDiagnostics.Success)?.value?.returnValue
            ?: throw problems(shown, ScriptProblem.from(evaluated.reports, shown, null), "cannot run")
    }

    private fun problems(shown: String, problems: List<ScriptProblem>, otherwise: String): ScriptException {
        val first = problems.firstOrNull()
        val message = problems.joinToString("\n").ifEmpty { "$shown: error: the script $otherwise" }
        return ScriptException(shown, first?.line ?: 0, first?.column ?: 0, message)
    }

    private fun evaluationConfiguration(scope: MqttFlowScriptScope) = ScriptEvaluationConfiguration {
        implicitReceivers(scope)
        jvm {
            // The script's classpath is this process's: load nothing twice.
            baseClassLoader(MqttFlowScriptScope::class.java.classLoader)
            loadDependencies(false)
        }
    }

    private fun bodyFailed(file: File, shown: String, error: Throwable): ScriptException {
        val frame = error.stackTrace.firstOrNull { it.fileName == file.name && it.lineNumber > 0 }
        val line = frame?.lineNumber ?: 0
        val where = if (line > 0) "$shown:$line" else shown
        return ScriptException(shown, line, 0, "$where: error: the script threw $error", error)
    }
}

private val WARM_UP_SCRIPT = """
    mqttConsumer("warm-up") {
        onConnect { subscribe("warm/up", qos = 1) }
        onMessage("warm/{x}") { msg -> launch { delay(1.seconds); publish("warm/done", msg.text, qos = 1) } }
    }
""".trimIndent()

/**
 * [MqttFlowScript]'s compilation configuration, as its `@KotlinScript` annotation gives it (and as IDEs
 * see it), built by hand: reading the annotation needs kotlin-reflect, which costs a cached start
 * most of a second. ScriptHostTest checks that both agree.
 */
internal val defaultConfiguration: ScriptCompilationConfiguration by lazy {
    ScriptCompilationConfiguration(MqttFlowScriptCompilation) {
        hostConfiguration.update { it.withDefaultsFrom(defaultJvmScriptingHostConfiguration) }
        baseClass(KotlinType(MqttFlowScript::class))
        fileExtension(ScriptDefaults.EXTENSION)
        @Suppress("DEPRECATION_ERROR")
        fileNamePattern("")
        filePathPattern("")
        displayName(ScriptDefaults.DISPLAY_NAME)
    }
}

/** What [ScriptHost.compile] found out about a script. */
public class ScriptResult internal constructor(
    /** The script. */
    public val file: File,
    /** The script as messages name it: the path the user gave. */
    public val displayName: String,
    /** Errors and warnings, in the compiler's order. */
    public val problems: List<ScriptProblem>,
    internal val compiled: CompiledScript?,
    /** True when the compiled script came from the [ScriptCache]. */
    public val fromCache: Boolean,
    /** How long compiling (or the cache lookup) took. */
    public val elapsed: Duration,
) {
    /** The errors among [problems]. */
    public val errors: List<ScriptProblem> get() = problems.filter { it.isError }

    /** True when the script compiled. */
    public val isSuccess: Boolean get() = compiled != null && errors.isEmpty()

    override fun toString(): String = problems.joinToString("\n")
}

/** A script that compiled and ran: the [consumers] it defines. */
public class LoadedScript internal constructor(
    /** The script. */
    public val file: File,
    /** The script's name: its file name without `.mqtt.kts`. */
    public val name: String,
    /** The consumers it defines, in order. */
    public val consumers: List<Consumer>,
    /** True when the compiled script came from the [ScriptCache]. */
    public val fromCache: Boolean,
    /** The script as messages name it: the path the user gave. */
    public val displayName: String = file.path,
    /** The `workerTemplate(…)`s it declares: not started with the script, spawned by its masters. */
    public val templates: List<Consumer> = emptyList(),
) {
    /**
     * The consumer called [name] in the script (`lights` for `mqttConsumer("lights")`), or by its
     * full name (`hall-light:lights`); the script's name gives the unnamed one. Templates count.
     */
    public fun consumer(name: String): Consumer = (consumers + templates).let { all ->
        all.firstOrNull { it.name == name } ?: all.firstOrNull { it.name == "${this.name}:$name" }
    }
        ?: throw NoSuchElementException(
            "$displayName defines no consumer '$name'; it defines ${consumers.joinToString { "'${it.name}'" }}",
        )
}
