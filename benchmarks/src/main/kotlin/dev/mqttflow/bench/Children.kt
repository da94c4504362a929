package dev.mqttflow.bench

import java.io.File
import java.nio.file.Path
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** How the harness starts JVMs: the same java, classpath and flags for every JVM contender. */
class JavaLauncher(
    private val classpath: String,
    private val logDir: Path,
    private val java: String = File(System.getProperty("java.home"), "bin/java").path,
) {
    /** The same classpath on another JDK. */
    fun on(java: String): JavaLauncher = JavaLauncher(classpath, logDir, java)
    private var serial = 0

    /** Flags of every long-running node: a fixed heap so that GC sizing is the same for all. */
    val nodeFlags = listOf("-Xms512m", "-Xmx1g", "-XX:+UseG1GC")

    fun command(main: String, args: List<String>, flags: List<String> = nodeFlags): List<String> =
        listOf(java) + flags + listOf("-cp", classpath, main) + args

    fun start(main: String, args: List<String>, flags: List<String> = nodeFlags): Process {
        val log = logDir.resolve("${args.firstOrNull() ?: "jvm"}-${++serial}.log").toFile()
        return ProcessBuilder(command(main, args, flags)).redirectError(log).start()
    }

    /** A node ([dev.mqttflow.bench.main] in Node.kt) that talks over stdin/stdout. */
    fun node(args: List<String>, flags: List<String> = nodeFlags): Node = Node(start(NODE_MAIN, args, flags))

    companion object {
        const val NODE_MAIN = "dev.mqttflow.bench.NodeKt"
    }
}

/** A child process answering with `@TAG ...` lines; other output is ignored. */
class Node(val process: Process) : AutoCloseable {
    private val queues = ConcurrentHashMap<String, LinkedBlockingQueue<List<String>>>()

    val pid: Long get() = process.pid()

    init {
        Thread({
            process.inputStream.bufferedReader().useLines { lines ->
                lines.filter { it.startsWith("@") }.forEach { line ->
                    val parts = line.substring(1).split(' ')
                    queue(parts[0]).add(parts.drop(1))
                }
            }
        }, "node-${process.pid()}-reader").apply { isDaemon = true }.start()
    }

    private fun queue(tag: String) = queues.computeIfAbsent(tag) { LinkedBlockingQueue() }

    fun send(command: String) {
        process.outputStream.write((command + "\n").toByteArray())
        process.outputStream.flush()
    }

    /** The fields of the next `@[tag]` line, or null after [timeoutMs]. */
    fun poll(tag: String, timeoutMs: Long): List<String>? {
        val deadline = System.currentTimeMillis() + timeoutMs
        while (true) {
            queue(tag).poll(POLL_MS, TimeUnit.MILLISECONDS)?.let { return it }
            if (!process.isAlive) {
                // Give the reader the last lines the node wrote before it went.
                queue(tag).poll(POLL_MS * 2, TimeUnit.MILLISECONDS)?.let { return it }
                error("node ${process.pid()} exited (${process.exitValue()}) before @$tag")
            }
            if (System.currentTimeMillis() > deadline) return null
        }
    }

    fun await(tag: String, timeoutMs: Long = DEFAULT_TIMEOUT_MS): List<String> =
        poll(tag, timeoutMs) ?: error("node ${process.pid()}: no @$tag within $timeoutMs ms")

    fun cpuNanos(): Long = Proc.cpuNanos(pid)

    override fun close() {
        if (process.isAlive) {
            runCatching { send("quit") }
            if (!process.waitFor(QUIT_WAIT_S, TimeUnit.SECONDS)) process.destroy()
        }
        process.waitFor()
    }

    private companion object {
        const val POLL_MS = 100L
        const val DEFAULT_TIMEOUT_MS = 60_000L
        const val QUIT_WAIT_S = 10L
    }
}
