package dev.mqttflow.cli

import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

/** Stop signals a test fires by hand. */
class ManualSignals : StopSignals {
    @Volatile
    private var handler: (() -> Unit)? = null

    override fun install(onSignal: () -> Unit) {
        handler = onSignal
    }

    fun fire() {
        (handler ?: error("the CLI installed no signal handler (has it started running?)"))()
    }
}

/** What one CLI invocation left behind. */
data class CliResult(val code: Int, val out: String, val err: String) {
    /** The error lines the CLI itself printed (not log lines). */
    val errorLines: List<String> get() = err.lines().filter { it.startsWith("mqttflow: error:") }
}

/** The CLI, in this JVM, with its environment, working directory and streams of its own. */
class InProcessCli(
    val args: List<String>,
    val env: Map<String, String> = emptyMap(),
    val workDir: Path = Files.createTempDirectory("mqttflow-cli-"),
) {
    private val out = ByteArrayOutputStream()
    private val err = ByteArrayOutputStream()
    val signals = ManualSignals()
    val halted = CompletableFuture<Int>()
    private val outStream = PrintStream(out, true, Charsets.UTF_8)
    private val errStream = PrintStream(err, true, Charsets.UTF_8)
    private val context = CliContext(env, workDir, outStream, errStream, signals) { halted.complete(it) }
    private var exit: CompletableFuture<Int>? = null

    /** Runs to the end on this thread: for commands that stop by themselves. */
    fun run(): CliResult = CliResult(Cli(context).execute(args), outText(), errText())

    /** Starts on a thread of its own; [stop] and [await] end it. */
    fun start(): InProcessCli = apply {
        exit = CompletableFuture.supplyAsync({ Cli(context).execute(args) }, { Thread(it, "cli-under-test").start() })
    }

    fun outText(): String = out.toString(Charsets.UTF_8)

    fun errText(): String = err.toString(Charsets.UTF_8)

    /** Fires the stop signal (what SIGTERM does). */
    fun stop() = signals.fire()

    fun await(seconds: Long = 60): CliResult {
        val code = exit!!.get(seconds, TimeUnit.SECONDS)
        return CliResult(code, outText(), errText())
    }
}

fun cli(vararg args: String, env: Map<String, String> = emptyMap(), workDir: Path? = null): CliResult =
    (if (workDir == null) InProcessCli(args.toList(), env) else InProcessCli(args.toList(), env, workDir)).run()
