package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import java.io.IOException
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.util.concurrent.ConcurrentLinkedQueue

/**
 * A TCP proxy on a port of its own in front of a broker: [cut] closes every connection through it
 * and refuses new ones (our client is "away" while the broker stays reachable for others);
 * [open] accepts again on the same port.
 */
class TcpProxy(private val targetPort: Int) : AutoCloseable {
    val port: Int = EmbeddedBroker.freePort()
    private val sockets = ConcurrentLinkedQueue<Socket>()

    @Volatile
    private var server: ServerSocket? = null

    init {
        open()
    }

    fun open() {
        check(server == null) { "the proxy is already open" }
        val listening = ServerSocket(port, BACKLOG, InetAddress.getLoopbackAddress())
        server = listening
        Thread({ acceptLoop(listening) }, "proxy-accept-$port").apply { isDaemon = true }.start()
    }

    fun cut() {
        server?.close()
        server = null
        while (true) {
            val s = sockets.poll() ?: break
            runCatching { s.close() }
        }
    }

    private fun acceptLoop(listening: ServerSocket) {
        while (!listening.isClosed) {
            val client = try {
                listening.accept()
            } catch (_: IOException) {
                return
            }
            val broker = try {
                Socket(InetAddress.getLoopbackAddress(), targetPort)
            } catch (_: IOException) {
                client.close()
                continue
            }
            sockets += client
            sockets += broker
            pump(client, broker)
            pump(broker, client)
        }
    }

    private fun pump(from: Socket, to: Socket) {
        Thread({
            try {
                from.getInputStream().transferTo(to.getOutputStream())
            } catch (_: IOException) {
                // one side closed
            } finally {
                runCatching { from.close() }
                runCatching { to.close() }
            }
        }, "proxy-pump").apply { isDaemon = true }.start()
    }

    override fun close() = cut()

    private companion object {
        const val BACKLOG = 50
    }
}
