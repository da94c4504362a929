package dev.mqttflow.layer

import dev.mqttflow.broker.EmbeddedBroker
import java.io.File
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files

/**
 * A private `redis-server` on a free port, for one test. Fails loudly (never skips) when the binary
 * is missing: `.ci/run` installs it through scripts/setup-test-deps.
 */
class RedisServer : AutoCloseable {
    val port: Int = EmbeddedBroker.freePort()
    val url: String get() = "redis://127.0.0.1:$port"
    private val dir = Files.createTempDirectory("mqttflow-redis-")
    private val process: Process

    init {
        val binary =
            listOf("/usr/bin/redis-server", "/usr/local/bin/redis-server").firstOrNull { File(it).canExecute() }
                ?: error("redis-server is not installed: run scripts/setup-test-deps (.ci/run does)")
        val args = listOf(binary, "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
        process =
            ProcessBuilder(
                args + listOf("--dir", dir.toString()),
            ).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start()
        repeat(100) {
            try {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 100) }
                return@repeat
            } catch (_: java.io.IOException) {
                check(process.isAlive) { "redis-server exited: " + Files.readString(dir.resolve("redis.log")) }
                Thread.sleep(50)
            }
        }
    }

    override fun close() {
        process.destroy()
        process.waitFor()
        dir.toFile().deleteRecursively()
    }
}
