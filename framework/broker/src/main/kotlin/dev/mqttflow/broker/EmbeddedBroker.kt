package dev.mqttflow.broker

import com.hivemq.embedded.EmbeddedHiveMQ
import org.slf4j.LoggerFactory
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path
import java.util.Comparator

/**
 * A real MQTT 5 broker (HiveMQ Community Edition) inside this JVM, for the quick start and for
 * tests. Listens on 127.0.0.1 only, keeps nothing on disk after [close].
 *
 * Needs `com.hivemq:hivemq-community-edition-embedded` on the classpath (the `dsl` module has it).
 *
 * ```kotlin
 * EmbeddedBroker.start().use { broker -> MqttFlow(MqttFlowConfig(port = broker.port)).run(lights) }
 * ```
 */
public class EmbeddedBroker private constructor(
    /** The TCP port MQTT clients connect to. */
    public val port: Int,
    /** The websocket port (path `/mqtt`), or null when none was asked for. */
    public val webSocketPort: Int?,
    private val hivemq: EmbeddedHiveMQ,
    private val home: Path,
) : AutoCloseable {
    /**
     * Stops the broker and deletes its files; returns once it is stopped and its port is free. HiveMQ's
     * graceful stop takes about 4 s (Netty's fixed 2 s quiet period, then its persistence shutdown):
     * a process that is about to exit calls [closeForExit] instead.
     */
    override fun close() {
        try {
            hivemq.stop().join()
            hivemq.close()
        } finally {
            deleteFiles()
        }
    }

    /**
     * Begins the broker's stop, deletes its files and returns without waiting for HiveMQ's graceful
     * stop, for a process that exits next (the command line): HiveMQ's threads end with the JVM. In a
     * JVM that goes on, the stop completes in the background within a few seconds; until then the
     * port may still be taken. Clients should have disconnected first.
     */
    public fun closeForExit() {
        try {
            hivemq.stop().whenComplete { _, _ -> runCatching { hivemq.close() } }
        } finally {
            deleteFiles()
        }
    }

    private fun deleteFiles() {
        Files.walk(home).use { paths -> paths.sorted(Comparator.reverseOrder()).forEach(Files::deleteIfExists) }
    }

    public companion object {
        private val log = LoggerFactory.getLogger("mqttflow.broker")

        /**
         * Starts a broker on [port] (0 picks a free one) and, if [webSocketPort] is not null,
         * a websocket listener too (0 picks a free one). Returns once it accepts connections.
         */
        @JvmStatic
        @JvmOverloads
        public fun start(port: Int = 0, webSocketPort: Int? = null): EmbeddedBroker {
            val tcp = if (port == 0) freePort() else port
            val ws = webSocketPort?.let { if (it == 0) freePort() else it }
            val home = Files.createTempDirectory("mqttflow-broker-")
            val conf = Files.createDirectories(home.resolve("conf"))
            Files.writeString(conf.resolve("config.xml"), configXml(tcp, ws))
            val hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .withoutLoggingBootstrap()
                .build()
            try {
                hivemq.start().join()
                awaitListening(tcp)
            } catch (e: Exception) {
                runCatching { hivemq.close() }
                throw IllegalStateException("the embedded broker could not start on port $tcp: ${e.message}", e)
            }
            log.info(
                "embedded HiveMQ CE broker listening on 127.0.0.1:{}{}",
                tcp,
                ws?.let { " (websockets :$it/mqtt)" } ?: "",
            )
            return EmbeddedBroker(tcp, ws, hivemq, home)
        }

        /** A TCP port nobody listens on right now. */
        @JvmStatic
        public fun freePort(): Int = ServerSocket(0).use { it.localPort }

        private const val CONNECT_PROBE_MS = 200
        private const val PROBES = 50

        private fun awaitListening(port: Int) {
            repeat(PROBES) {
                try {
                    Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), CONNECT_PROBE_MS) }
                    return
                } catch (_: java.io.IOException) {
                    Thread.sleep(CONNECT_PROBE_MS.toLong())
                }
            }
            error("nothing listens on 127.0.0.1:$port")
        }

        // Indent first, then insert the websocket listener: a multi-line value inside the template
        // would defeat trimIndent and leave whitespace before <?xml, which HiveMQ rejects (and then
        // falls back to its default config).
        private fun configXml(port: Int, ws: Int?): String = """
            <?xml version="1.0"?>
            <hivemq>
              <listeners>
                <tcp-listener><port>$port</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                WEBSOCKET_LISTENER
              </listeners>
              <persistence><mode>in-memory</mode></persistence>
              <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
            </hivemq>
        """.trimIndent().replace("WEBSOCKET_LISTENER", ws?.let(::webSocketXml).orEmpty())

        private fun webSocketXml(port: Int) = """
            <websocket-listener>
              <port>$port</port><bind-address>127.0.0.1</bind-address><path>/mqtt</path><name>ws</name>
              <subprotocols><subprotocol>mqttv3.1</subprotocol><subprotocol>mqtt</subprotocol></subprotocols>
              <allow-extensions>true</allow-extensions>
            </websocket-listener>
        """.trimIndent()
    }
}
