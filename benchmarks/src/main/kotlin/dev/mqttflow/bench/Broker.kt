package dev.mqttflow.bench

import java.io.File
import java.io.IOException
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path

/**
 * A Mosquitto of our own on a free loopback port, configured for measuring:
 * - `persistence false`: no disk in the picture;
 * - `max_queued_messages 0` (unlimited): the default 1000 silently drops QoS 1/2 messages to a
 *   subscriber that falls behind a burst;
 * - `set_tcp_nodelay true`: without it a QoS 1 request/reply waits ~40 ms for Nagle;
 * - `max_inflight_messages` [WINDOW]: unacknowledged QoS 1/2 messages in flight to each MQTT 3.1.1
 *   client and each MQTT 5 client that announces no receive maximum — every contender here. The
 *   JVM contenders speak 5 and announce none ([RECEIVE_MAXIMUM]); the C clients speak 3.1.1, because
 *   libmosquitto as an MQTT 5 client always announces one (20 by default), which Mosquitto 2.0.11
 *   overshoots under a QoS 2 burst, and `mosquitto_sub` then drops the connection ("protocol error").
 * Every contender talks to this same broker.
 */
class Broker private constructor(val port: Int, private val process: Process, private val dir: Path) :
    AutoCloseable {
    val pid: Long get() = process.pid()

    /** CPU the broker used so far. */
    fun cpuNanos(): Long = Proc.cpuNanos(pid)

    override fun close() {
        process.destroy()
        process.waitFor()
        dir.toFile().deleteRecursively()
    }

    companion object {
        /** The broker's window of QoS 1/2 messages in flight to one client. */
        const val WINDOW = 1024
        private const val PROBES = 200
        private const val PROBE_WAIT_MS = 50L

        fun start(): Broker {
            val binary = listOf("/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto")
                .firstOrNull { File(it).canExecute() }
                ?: error("mosquitto is not installed: run scripts/setup-test-deps")
            val port = freePort()
            val dir = Files.createTempDirectory("mqttflow-bench-broker-")
            val conf = dir.resolve("mosquitto.conf")
            Files.writeString(
                conf,
                """
                listener $port 127.0.0.1
                allow_anonymous true
                persistence false
                max_queued_messages 0
                set_tcp_nodelay true
                max_inflight_messages $WINDOW
                log_dest stderr
                log_type error
                log_type warning
                """.trimIndent() + "\n",
            )
            val log = dir.resolve("mosquitto.log").toFile()
            val process = ProcessBuilder(binary, "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(log).start()
            repeat(PROBES) {
                try {
                    Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), PROBE_WAIT_MS.toInt()) }
                    return Broker(port, process, dir)
                } catch (_: IOException) {
                    check(process.isAlive) { "mosquitto exited: " + log.readText() }
                    Thread.sleep(PROBE_WAIT_MS)
                }
            }
            process.destroy()
            error("mosquitto did not listen on $port")
        }

        fun freePort(): Int = ServerSocket(0).use { it.localPort }
    }
}
