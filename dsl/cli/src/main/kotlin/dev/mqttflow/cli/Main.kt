package dev.mqttflow.cli

import com.github.ajalt.clikt.core.CliktError
import com.github.ajalt.clikt.core.PrintHelpMessage
import com.github.ajalt.clikt.core.PrintMessage
import com.github.ajalt.clikt.core.ProgramResult
import com.github.ajalt.clikt.core.UsageError
import com.github.ajalt.clikt.core.parse
import com.github.ajalt.clikt.output.ParameterFormatter
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.MqttFlowException
import dev.mqttflow.errors.ScriptException
import java.io.PrintStream
import java.nio.file.Path
import kotlin.system.exitProcess

/** The `mqttflow` command line. Exit codes: 0 clean stop, 1 runtime failure, 2 usage error. */
public fun main(args: Array<String>) {
    OsSignals.installEarly()
    Logging.bootstrap()
    val context = CliContext(
        env = System.getenv(),
        workDir = Path.of("").toAbsolutePath(),
        out = System.out,
        err = System.err,
        signals = OsSignals,
        halt = { Runtime.getRuntime().halt(it) },
    )
    exitProcess(Cli(context).execute(args.toList()))
}

/** Everything the CLI takes from its process, injectable so tests never touch the real ones. */
internal class CliContext(
    val env: Map<String, String>,
    val workDir: Path,
    val out: PrintStream,
    val err: PrintStream,
    val signals: StopSignals,
    val halt: (Int) -> Unit,
)

/** Exit codes of the command line. */
internal object ExitCode {
    const val OK: Int = 0
    const val FAILURE: Int = 1
    const val USAGE: Int = 2
}

/** Parses a command line, runs it, and turns every outcome into one exit code and at most one error line. */
internal class Cli(private val context: CliContext) {
    fun execute(args: List<String>): Int {
        val run = RunCommand(context)
        val quickStart = QuickStartCommand(context)
        val root = MqttflowCommand(run, CheckCommand(context), quickStart)
        return try {
            root.parse(args)
            ExitCode.OK
        } catch (e: CliktError) {
            clikt(root, e)
        } catch (e: ConfigException) {
            val option = AutomationSettings.optionName(e.option) ?: LibrarySettingNames.optionFor(e.option)
            fail("$option: ${e.reason}", ExitCode.USAGE)
        } catch (e: ScriptException) {
            // Compiler style, one line per problem: file:line:col: error: …
            context.err.println(e.message)
            ExitCode.USAGE
        } catch (e: RunException) {
            failure(e, maxOf(run.verbosity, quickStart.verbosity))
        } catch (e: MqttFlowException) {
            failure(e, maxOf(run.verbosity, quickStart.verbosity))
        } catch (e: Exception) {
            failure(e, maxOf(run.verbosity, quickStart.verbosity), unexpected = true)
        }
    }

    /** Help, version, and Clikt's usage errors. */
    private fun clikt(root: MqttflowCommand, e: CliktError): Int = when (e) {
        is PrintHelpMessage -> {
            val help = root.getFormattedHelp(e) ?: ""
            if (e.error) context.err.println(help) else context.out.println(help)
            if (e.error) ExitCode.USAGE else ExitCode.OK
        }

        is PrintMessage -> {
            context.out.println(root.getFormattedHelp(e) ?: "")
            e.statusCode
        }

        is ProgramResult -> e.statusCode

        is UsageError -> fail(oneLine(e), ExitCode.USAGE)

        else -> fail(e.message ?: e.javaClass.simpleName, ExitCode.USAGE)
    }

    private fun failure(e: Exception, verbosity: Int, unexpected: Boolean = false): Int {
        val message = e.message?.takeIf { it.isNotBlank() } ?: e.javaClass.simpleName
        val line = if (unexpected) "${e.javaClass.simpleName}: $message" else message
        context.err.println("mqttflow: error: $line")
        if (verbosity >= 1) e.printStackTrace(context.err)
        return ExitCode.FAILURE
    }

    private fun fail(message: String, code: Int): Int {
        context.err.println("mqttflow: error: $message")
        return code
    }

    private fun oneLine(e: UsageError): String {
        val localization = e.context?.localization ?: return e.message ?: "usage error"
        val message = e.formatMessage(localization, PlainNames).replace('\n', ' ')
        val command = e.context?.commandNameWithParents()?.joinToString(" ") ?: "mqttflow"
        return "$message (see '$command --help')"
    }

    private object PlainNames : ParameterFormatter {
        override fun formatOption(name: String): String = name

        override fun formatArgument(name: String): String = name

        override fun formatSubcommand(name: String): String = name
    }
}
