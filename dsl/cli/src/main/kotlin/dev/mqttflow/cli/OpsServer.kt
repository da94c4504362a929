package dev.mqttflow.cli

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import dev.mqttflow.monitoring.FlowStatus
import dev.mqttflow.monitoring.Health
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import org.slf4j.LoggerFactory
import java.io.IOException
import java.net.InetSocketAddress
import java.util.concurrent.Executors

/**
 * The HTTP endpoint of `mqttflow run --http` (the JDK's own server, two daemon threads):
 *
 * - `/metrics`: the [registry] in Prometheus text format;
 * - `/health/live`, `/health/ready`: 200 when live/ready, else 503, with a JSON body giving the reasons;
 * - `/`: the [StatusPage], which refreshes itself.
 *
 * [status] is the running flow's view (null before it started). Nothing here carries a secret:
 * the page shows the broker's host and port and what [StatusPage] is given, passwords hidden.
 */
internal class OpsServer(
    address: InetSocketAddress,
    private val registry: PrometheusMeterRegistry,
    private val page: StatusPage,
    private val status: () -> FlowStatus?,
) : AutoCloseable {
    private val log = LoggerFactory.getLogger("mqttflow.cli")
    private val server: HttpServer = try {
        HttpServer.create(address, BACKLOG)
    } catch (e: IOException) {
        throw RunException("--http: cannot listen on ${show(address)}: ${e.message}", e)
    }

    /** Where it listens (the port chosen when 0 was asked for). */
    val address: InetSocketAddress get() = server.address

    init {
        server.executor = Executors.newFixedThreadPool(THREADS) { r ->
            Thread(r, "mqttflow-http").apply { isDaemon = true }
        }
        server.createContext("/metrics") { it.answer(OK, PROMETHEUS_TEXT, registry.scrape()) }
        server.createContext("/health/live") { health(it) { h -> h.live } }
        server.createContext("/health/ready") { health(it) { h -> h.ready } }
        server.createContext("/") { exchange ->
            if (exchange.requestURI.path != "/") {
                exchange.answer(NOT_FOUND, "text/plain; charset=utf-8", "not found: try /, /metrics, /health/ready\n")
            } else {
                val html = runBlocking { page.render(status()?.snapshot()) }
                exchange.answer(OK, "text/html; charset=utf-8", html)
            }
        }
    }

    fun start(): OpsServer = apply {
        server.start()
        val where = show(server.address)
        log.info("metrics at http://{}/metrics, health at /health/ready, status page at http://{}/", where, where)
        if (!server.address.address.isLoopbackAddress) {
            log.warn("--http listens on {}, beyond this machine: the status page names consumers and topics", where)
        }
    }

    private fun health(exchange: HttpExchange, up: (Health) -> Boolean) {
        val health = status()?.health ?: Health.NOT_STARTED
        val ok = up(health)
        val body = buildJsonObject {
            put("status", JsonPrimitive(if (ok) "UP" else "DOWN"))
            put("live", JsonPrimitive(health.live))
            put("ready", JsonPrimitive(health.ready))
            put("reasons", JsonArray(health.reasons.map { JsonPrimitive(it) }))
        }
        exchange.answer(if (ok) OK else UNAVAILABLE, "application/json", body.toString() + "\n")
    }

    private fun HttpExchange.answer(code: Int, type: String, body: String) {
        try {
            val bytes = body.toByteArray(Charsets.UTF_8)
            responseHeaders.add("Content-Type", type)
            responseHeaders.add("Cache-Control", "no-store")
            if (requestMethod == "HEAD") {
                sendResponseHeaders(code, -1)
            } else {
                sendResponseHeaders(code, bytes.size.toLong())
                responseBody.write(bytes)
            }
        } finally {
            close()
        }
    }

    override fun close() {
        server.stop(0)
        (server.executor as? java.util.concurrent.ExecutorService)?.shutdownNow()
        page.close()
    }

    companion object {
        private const val BACKLOG = 16
        private const val THREADS = 2
        private const val OK = 200
        private const val NOT_FOUND = 404
        private const val UNAVAILABLE = 503
        const val PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"

        fun show(address: InetSocketAddress): String {
            val host = address.address.hostAddress
            return if (host.contains(':')) "[$host]:${address.port}" else "$host:${address.port}"
        }
    }
}
