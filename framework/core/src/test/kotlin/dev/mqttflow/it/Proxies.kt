package dev.mqttflow.it

import dev.mqttflow.broker.EmbeddedBroker
import java.io.File
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path

/**
 * A real proxy started for one test on a free loopback port, its config and log in a folder under
 * `target/`. Fails loudly (never skips) when the binary is missing: `scripts/setup-test-deps`
 * installs tinyproxy and microsocks.
 */
sealed class LoopbackProxy(name: String) : AutoCloseable {
    val port: Int = EmbeddedBroker.freePort()
    protected val dir: Path = Files.createDirectories(Path.of("target", "proxies")).let {
        Files.createTempDirectory(it, "$name-")
    }
    private var process: Process? = null

    protected abstract fun command(): List<String>

    /** What the proxy logged so far. */
    open fun log(): String = dir.resolve("out.log").toFile().takeIf { it.exists() }?.readText() ?: ""

    protected fun binary(name: String): String = listOf("/usr/bin/$name", "/usr/sbin/$name", "/usr/local/bin/$name")
        .firstOrNull { File(it).canExecute() }
        ?: error("$name is not installed: run scripts/setup-test-deps (it installs tinyproxy and microsocks)")

    fun start(): LoopbackProxy = apply {
        process = ProcessBuilder(command())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.log").toFile())
            .start()
        repeat(100) {
            try {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 100) }
                return@apply
            } catch (_: java.io.IOException) {
                check(process?.isAlive == true) { "the proxy exited at start:\n${log()}" }
                Thread.sleep(50)
            }
        }
        error("the proxy did not listen on $port:\n${log()}")
    }

    fun stop() {
        process?.let {
            it.destroy()
            it.waitFor()
        }
        process = null
    }

    override fun close() {
        stop()
    }
}

/** tinyproxy as an HTTP CONNECT proxy, with Basic credentials when [user] is set; it logs each CONNECT. */
class TinyProxy(private val user: String? = null, private val password: String? = null) : LoopbackProxy("tinyproxy") {
    private val logFile = dir.resolve("tinyproxy.log")

    override fun command(): List<String> {
        val conf = dir.resolve("tinyproxy.conf")
        Files.writeString(
            conf,
            listOfNotNull(
                "Port $port",
                "Listen 127.0.0.1",
                "Timeout 60",
                "MaxClients 20",
                "Allow 127.0.0.1",
                user?.let { "BasicAuth $it $password" },
                "LogLevel Info",
                "LogFile \"${logFile.toAbsolutePath()}\"",
            ).joinToString("\n", postfix = "\n"),
        )
        return listOf(binary("tinyproxy"), "-d", "-c", conf.toAbsolutePath().toString())
    }

    override fun log(): String = super.log() + (logFile.toFile().takeIf { it.exists() }?.readText() ?: "")
}

/** microsocks as a SOCKS5 proxy, with a user name and password when [user] is set. */
class MicroSocks(private val user: String? = null, private val password: String? = null) : LoopbackProxy("microsocks") {
    override fun command(): List<String> = listOf(binary("microsocks"), "-i", "127.0.0.1", "-p", "$port") +
        (if (user != null) listOf("-u", user, "-P", password ?: "") else emptyList())
}
