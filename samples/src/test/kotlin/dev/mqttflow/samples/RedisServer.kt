package dev.mqttflow.samples

import dev.mqttflow.broker.EmbeddedBroker
import java.io.File
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files

/**
 * A private `redis-server` on a free port, for one test (as the framework's tests have). Fails
 * loudly, never skips, when the binary is missing: scripts/setup-test-deps installs it.
 */
class RedisServer : AutoCloseable {
    val port: Int = EmbeddedBroker.freePort()
    val url: String get() = "redis://127.0.0.1:$port"
    private val dir = Files.createTempDirectory("samples-redis-")
    private val process: Process

    init {
        val binary =
            listOf("/usr/bin/redis-server", "/usr/local/bin/redis-server").firstOrNull { File(it).canExecute() }
                ?: error("redis-server is not installed: run scripts/setup-test-deps")
        val args = listOf(binary, "--port", "$port", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
        process = ProcessBuilder(args + listOf("--dir", dir.toString()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("redis.log").toFile())
            .start()
        val up = (1..100).any {
            try {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 100) }
                true
            } catch (_: java.io.IOException) {
                check(process.isAlive) { "redis-server exited: " + Files.readString(dir.resolve("redis.log")) }
                Thread.sleep(50)
                false
            }
        }
        check(up) { "redis-server did not answer on port $port within 5 s" }
    }

    override fun close() {
        process.destroy()
        process.waitFor()
        dir.toFile().deleteRecursively()
    }
}
