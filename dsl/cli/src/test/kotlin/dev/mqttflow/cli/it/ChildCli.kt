package dev.mqttflow.cli.it

import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The real `mqttflow` command line in a JVM of its own (`java -cp <this test's classpath>
 * dev.mqttflow.cli.MainKt …`), so signals, exit codes and the real logging are what a user gets.
 */
class ChildCli(
    args: List<String>,
    env: Map<String, String> = emptyMap(),
    jvmOptions: List<String> = emptyList(),
    val workDir: Path = Files.createTempDirectory("mqttflow-child-"),
) : AutoCloseable {
    private val stdout: File = workDir.resolve("stdout.txt").toFile()
    private val stderr: File = workDir.resolve("stderr.txt").toFile()
    val process: Process

    init {
        val java = Path.of(System.getProperty("java.home"), "bin", "java").toString()
        val command = listOf(java) + jvmOptions + listOf(
            "-cp",
            // failsafe's class path ends in ':', an empty entry that puts the working directory on the class
            // path (and so into the compiled-script cache key): leave it out.
            System.getProperty("java.class.path").split(File.pathSeparator).filter { it.isNotEmpty() }
                .joinToString(File.pathSeparator),
            "dev.mqttflow.cli.MainKt",
        ) + args
        process = ProcessBuilder(command).directory(workDir.toFile()).redirectOutput(stdout).redirectError(stderr)
            .apply {
                // Only what the test gives: none of this machine's MQTT settings leak in.
                environment().keys.removeIf { it.startsWith("MQTT") || it.startsWith("TLS_") || it == "VERBOSITY" }
                environment().putAll(env)
            }
            .start()
    }

    fun out(): String = stdout.readText()

    fun err(): String = stderr.readText()

    /** Sends SIGTERM. */
    fun terminate() {
        process.destroy()
    }

    /** The exit code, or an error with the child's output when it does not exit in time. */
    fun awaitExitCode(seconds: Long = 60): Int {
        check(process.waitFor(seconds, TimeUnit.SECONDS)) {
            "the CLI did not exit within $seconds s\nstdout:\n${out()}\nstderr:\n${err()}"
        }
        return process.exitValue()
    }

    override fun close() {
        if (process.isAlive) process.destroyForcibly().waitFor()
    }
}
