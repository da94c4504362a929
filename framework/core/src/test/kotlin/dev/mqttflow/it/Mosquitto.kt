package dev.mqttflow.it

import dev.mqttflow.broker.EmbeddedBroker
import java.io.File
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path

/**
 * A real Mosquitto started for one test on a free port with a temporary config. Fails loudly
 * (never skips) when the `mosquitto` binary is missing: `.ci/run` installs it.
 */
class Mosquitto(val port: Int = EmbeddedBroker.freePort(), extraConfig: String = "") : AutoCloseable {
    private val dir: Path = Files.createTempDirectory("mqttflow-mosquitto-")
    private val conf: Path = dir.resolve("mosquitto.conf")
    private var process: Process? = null

    init {
        Files.writeString(
            conf,
            """
            listener $port 127.0.0.1
            allow_anonymous true
            persistence false
            set_tcp_nodelay true
            max_queued_messages 0
            log_dest stderr
            $extraConfig
            """.trimIndent() + "\n",
        )
        start()
    }

    fun start() {
        val binary = listOf("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")
            .firstOrNull { File(it).canExecute() }
            ?: error("mosquitto is not installed: run 'apt-get install -y mosquitto' (.ci/run does)")
        process = ProcessBuilder(binary, "-c", conf.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start()
        awaitPort()
    }

    fun stop() {
        process?.let {
            it.destroy()
            it.waitFor()
        }
        process = null
    }

    private fun awaitPort() {
        repeat(100) {
            try {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 100) }
                return
            } catch (_: java.io.IOException) {
                check(process?.isAlive == true) {
                    "mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log"))
                }
                Thread.sleep(50)
            }
        }
        error("mosquitto did not listen on $port")
    }

    override fun close() {
        stop()
        dir.toFile().deleteRecursively()
    }
}
