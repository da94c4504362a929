package dev.mqttflow.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.parameters.arguments.argument
import com.github.ajalt.clikt.parameters.arguments.multiple
import com.github.ajalt.clikt.parameters.options.OptionDelegate
import com.github.ajalt.clikt.parameters.options.convert
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.nullableFlag
import com.github.ajalt.clikt.parameters.options.option
import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.declaredTables
import dev.mqttflow.layer.ChannelLayer
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
    private val targets by argument(
        "TARGET",
        help = "a consumer: CLASS#MEMBER (a top-level val or function, e.g. com.example.LightsKt#lights) " +
            "or CLASS (implementing dev.mqttflow.consumer.Consumer)",
    ).multiple()

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
        Logging.apply(plan.verbosity)
        plan.warnings.forEach { log.warn(it) }
        val classLoader = classLoader(plan.classpath)
        val consumers = loadTargets(classLoader)
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
        try {
            layer = ChannelLayer.fromUrl(plan.layerUrl)
            database = openDatabase(plan, consumers)
            log.info("running {} consumer(s): {}", consumers.size, consumers.joinToString { it.name })
            val flows = { config: MqttFlowConfig -> MqttFlow(config, layer = layer, database = database) }
            Runner(context.signals, context.halt, context.err::println, flows).run(plan.config, consumers)
        } finally {
            database?.close()
            layer?.close()
            broker?.close()
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
        return settings to (explicit ?: ".env")
    }

    /** The database `--db-url` names; or, without it, one only when a consumer declares tables. */
    private fun openDatabase(plan: RunPlan, consumers: List<Consumer>): MqttFlowDatabase? {
        if (plan.dbUrl == null && declaredTables(consumers).isEmpty()) return null
        return MqttFlowDatabase.fromOption(plan.dbUrl, context.env)
    }

    private fun classLoader(classpath: List<Path>): ClassLoader {
        val parent = RunCommand::class.java.classLoader
        if (classpath.isEmpty()) return parent
        return URLClassLoader("mqttflow-targets", classpath.map { it.toUri().toURL() }.toTypedArray(), parent)
    }

    @Suppress("SwallowedException")
    private fun loadTargets(classLoader: ClassLoader): List<Consumer> = try {
        Targets.standard(classLoader).load(targets)
    } catch (e: TargetException) {
        throw UsageError(e.message ?: e.target)
    }
}
