package dev.mqttflow.it

import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * An independent subscriber: the Mosquitto clients' `mosquitto_sub` with a persistent session
 * (`-c`, a fixed id, QoS [qos]), so it gets what was published while it or the broker was away.
 * Every payload it prints is one line of [lines].
 */
class MosquittoSub(port: Int, filter: String, qos: Int = 1, id: String = "sub-" + System.nanoTime()) :
    AutoCloseable {
    private val out: File = Files.createTempFile("mosquitto-sub-", ".txt").toFile()
    private val process: Process = ProcessBuilder(
        "mosquitto_sub", "-h", "127.0.0.1", "-p", "$port", "-t", filter, "-q", "$qos", "-c", "-i", id,
    ).redirectOutput(out).redirectError(ProcessBuilder.Redirect.DISCARD).start()

    /** What it received so far, one payload a line. */
    fun lines(): List<String> = out.readLines()

    /** Waits (up to [seconds]) until [done] holds for the lines received; returns them either way. */
    fun awaitLines(seconds: Long = 60, done: (List<String>) -> Boolean): List<String> {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
        var seen = lines()
        while (!done(seen) && System.nanoTime() < deadline) {
            Thread.sleep(100)
            seen = lines()
        }
        return seen
    }

    override fun close() {
        process.destroy()
        process.waitFor(5, TimeUnit.SECONDS)
        if (process.isAlive) process.destroyForcibly()
        out.delete()
    }
}
