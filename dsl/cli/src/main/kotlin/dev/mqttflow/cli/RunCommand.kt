package dev.mqttflow.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.ProgramResult
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.arguments.multiple
import com.github.ajalt.clikt.parameters.options.OptionDelegate
import com.github.ajalt.clikt.parameters.options.convert
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.nullableFlag
import com.github.ajalt.clikt.parameters.options.option
import dev.mqttflow.MqttFlow
import dev.mqttflow.automation.needsDurableStore
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.DatabasePlugin
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.declaredTables
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.fromUrl
import dev.mqttflow.script.ScriptCache
import dev.mqttflow.script.ScriptHost
import dev.mqttflow.script.ScriptReloader
import org.slf4j.LoggerFactory
import java.net.URLClassLoader
import java.nio.file.Path

/**
 * `mqttflow run [options] TARGET…`: connects to a broker and runs the consumers TARGETs name,
 * until SIGTERM or SIGINT. Every setting comes from the command line, the environment, a `.env`
 * file in the working directory, or its default, in that order (see [Settings]).
 */
internal class RunCommand(private val context: CliContext) : CliktCommand(name = "run") {
    private val log = LoggerFactory.getLogger("mqttflow.cli")

    /** One Clikt option per setting; values are parsed by the setting, so all sources read alike. */
    @Suppress("SpreadOperator") // Clikt takes option names as varargs; this runs once per setting
    private val options: Map<Setting<*>, OptionDelegate<*>> = Settings.all.associateWith { setting ->
        val help = "${setting.help} [env ${setting.env}" + (setting.defaultText?.let { "; default $it" } ?: "") + "]"
        val option = if (setting.isFlag) {
            option(*setting.names.toTypedArray(), help = help).nullableFlag()
        } else {
            option(*setting.names.toTypedArray(), help = help, metavar = setting.metavar).convert { text ->
                try {
                    setting.parse(text)
                } catch (e: BadValue) {
                    fail(e.reason)
                }
            }
        }
        option.also { registerOption(it) }
    }

    private val envFile by option(
        "--env-file",
        metavar = "FILE",
        help = "the .env file to read [default: .env in the working directory, if it exists]",
    )
    private val printConfig by option(
        "--print-config",
        help = "print the effective configuration and where each value came from, then exit",
    ).flag()
    private val watch by option(
        "--watch",
        help = "when a .mqtt.kts TARGET changes, recompile it and swap its consumers; a broken edit keeps " +
            "the running version",
    ).flag()
    private val targets by argument(
        "TARGET",
        help = "a consumer: CLASS#MEMBER (a top-level val or function, e.g. com.example.LightsKt#lights), " +
            "CLASS (implementing dev.mqttflow.consumer.Consumer) or a script FILE.mqtt.kts",
    ).multiple()

    /** The `.env` file read, once resolved. */
    private var dotEnv: DotEnv? = null

    /** The resolved `-v`, for how much the CLI says about a failure; 0 until resolved. */
    var verbosity: Int = 0
        private set

    override fun help(context: Context): String = "Run consumers (TARGETs) against an MQTT broker until stopped."

    override fun helpEpilog(context: Context): String =
        "Precedence: command line > environment > .env > defaults. Exit codes: 0 stopped cleanly, " +
            "1 runtime failure, 2 usage error. Every option is described in docs/cli.md."

    override fun run() {
        val (settings, envFileName) = resolve()
        verbosity = settings.required(Settings.verbosity)
        if (printConfig) {
            context.out.print(ConfigReport.render(settings, envFileName))
            context.out.println()
            RunPlan.of(settings)
            return
        }
        val plan = RunPlan.of(settings)
        if (targets.isEmpty()) {
            throw UsageError("give at least one TARGET, like com.example.LightsKt#lights (see 'mqttflow run --help')")
        }
        Logging.apply(plan.verbosity, plan.logFormat)
        plan.warnings.forEach { log.warn(it) }
        val scripts = scriptLoader(plan)
        if (watch && scripts == null) {
            throw UsageError("--watch watches .mqtt.kts scripts, and no TARGET is one")
        }
        val classLoader = classLoader(plan.classpath)
        val consumers = loadTargets(classLoader, scripts)
        log.debug("configuration: {}", plan.config)
        val previousLoader = Thread.currentThread().contextClassLoader
        Thread.currentThread().contextClassLoader = classLoader
        val broker = if (plan.embeddedBroker) {
            Runner.startEmbeddedBroker(plan.config.effectivePort, fallBackToFree = false)
        } else {
            null
        }
        var layer: ChannelLayer? = null
        var database: MqttFlowDatabase? = null
        var ops: OpsRun? = null
        try {
            layer = ChannelLayer.fromUrl(plan.layerUrl)
            database = openDatabase(plan, consumers)
            ops = plan.http?.let { OpsRun(it, listOf("channel layer" to Settings.hidePassword(plan.layerUrl))) }
            log.info("running {} consumer(s): {}", consumers.size, consumers.joinToString { it.name })
            val flows = flowFactory(layer, database, ops)
            val runner = Runner(context.signals, context.halt, context.err::println, flows)
            if (watch && scripts != null) {
                // The scripts' consumers start through the reloader, which swaps them on edits.
                val fromScripts = scripts.loaded.flatMap { it.consumers }.toSet()
                val reloader = ScriptReloader(scripts.host, onEvent = { context.err.println(it) })
                log.info("watching {} for changes", scripts.loaded.joinToString { it.displayName })
                runner.run(plan.config, consumers.filterNot { it in fromScripts }) {
                    reloader.run(this, scripts.loaded)
                }
            } else {
                runner.run(plan.config, consumers)
            }
        } finally {
            ops?.close()
            database?.close()
            layer?.close()
            broker?.closeForExit() // the process exits next
            Thread.currentThread().contextClassLoader = previousLoader
        }
    }

    // Usage errors are one line: the message of the .env or target problem is all there is to show.
    @Suppress("SwallowedException")
    private fun resolve(): Pair<ResolvedSettings, String> {
        val explicit = envFile
        val file = explicit?.let { context.workDir.resolve(it) } ?: context.workDir.resolve(".env")
        if (explicit != null && !java.nio.file.Files.exists(file)) throw UsageError("--env-file: file not found: $file")
        val dotEnv = try {
            DotEnv.read(file)
        } catch (e: DotEnvException) {
            throw UsageError(e.message ?: e.where)
        }
        val commandLine = options.mapNotNull { (setting, option) -> option.value?.let { setting to it } }.toMap()
        val settings = ResolvedSettings.resolve(Layers(commandLine, context.env, dotEnv))
        this.dotEnv = dotEnv
        return settings to (explicit ?: ".env")
    }

    /** What makes the run's [MqttFlow] for a configuration: the layer, the database plugin, `--http`'s monitor. */
    private fun flowFactory(
        layer: ChannelLayer,
        database: MqttFlowDatabase?,
        ops: OpsRun?,
    ): (MqttFlowConfig) -> MqttFlow {
        val plugins = listOf(DatabasePlugin(database))
        return { c -> MqttFlow(c, layer = layer, plugins = plugins, monitor = ops?.monitor).also { ops?.flow = it } }
    }

    /** The database `--db-url` names; or, without it, one only when a consumer declares tables, timers or state. */
    private fun openDatabase(plan: RunPlan, consumers: List<Consumer>): MqttFlowDatabase? {
        if (plan.dbUrl == null && declaredTables(consumers).isEmpty() && !needsDurableStore(consumers)) return null
        return MqttFlowDatabase.fromOption(plan.dbUrl, context.env)
    }

    private fun classLoader(classpath: List<Path>): ClassLoader {
        val parent = RunCommand::class.java.classLoader
        if (classpath.isEmpty()) return parent
        return URLClassLoader("mqttflow-targets", classpath.map { it.toUri().toURL() }.toTypedArray(), parent)
    }

    /**
     * Compiles the script TARGETs (or takes them from the cache), all before anything connects; prints
     * every error and warning as `file:line:col: …` and exits 2 when one has errors. Null without scripts.
     */
    @Suppress("SwallowedException")
    private fun scriptLoader(plan: RunPlan): ScriptTargetLoader? {
        if (targets.none { it.endsWith(ScriptTargetLoader.SUFFIX) }) return null
        val cache = ScriptCache(scriptCacheDir(context, plan.scriptCache))
        // What scripts read with env(NAME): the environment over the .env file, as for settings.
        val environment = dotEnv?.entries.orEmpty().mapValues { it.value.value } + context.env
        val loader = ScriptTargetLoader(ScriptHost(cache, environment), context.workDir)
        val results = try {
            loader.compileAll(targets)
        } catch (e: TargetException) {
            throw UsageError(e.message ?: e.target)
        }
        for (result in results) {
            result.problems.forEach { context.err.println(it) }
            val how = if (result.fromCache) "taken from the script cache" else "compiled"
            log.info("{}: {} in {} ms", result.displayName, how, result.elapsed.inWholeMilliseconds)
        }
        if (results.any { !it.isSuccess }) throw ProgramResult(ExitCode.USAGE)
        return loader
    }

    @Suppress("SwallowedException")
    private fun loadTargets(classLoader: ClassLoader, scripts: ScriptTargetLoader?): List<Consumer> = try {
        Targets.standard(classLoader, scripts ?: ScriptTargetLoader(ScriptHost(cache = null), context.workDir))
            .load(targets)
    } catch (e: TargetException) {
        throw UsageError(e.message ?: e.target)
    }
}
