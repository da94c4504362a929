package dev.mqttflow.cli

import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.UnknownHostException

/** How log lines are written on stderr. */
internal enum class LogFormat {
    /** One line of text per event (the default). */
    TEXT,

    /** One JSON object per line, with the MDC (worker, consumer, topic): for log shippers. */
    JSON,
}

/** The settings of issue 17: the HTTP endpoint (metrics, health, status page) and the log format. */
internal object OpsSettings {
    private const val MAX_PORT = 65535

    val http = Setting(
        "http",
        listOf("--http"),
        "MQTTFLOW_HTTP",
        "[HOST:]PORT",
        "serve /metrics, /health/live, /health/ready and a status page at /; a bare PORT binds 127.0.0.1, " +
            "any other address must be given",
        defaultText = "off",
        display = { it.substringAfter('/') },
        parse = ::address,
    )
    val logFormat = Setting(
        "log-format",
        listOf("--log-format"),
        "MQTTFLOW_LOG_FORMAT",
        "text|json",
        "log lines on stderr as text, or as one JSON object per line (with worker, consumer and topic)",
        LogFormat.TEXT,
        defaultText = "text",
        display = { it.lowercase() },
    ) { text ->
        when (text.trim().lowercase()) {
            "text" -> LogFormat.TEXT
            "json" -> LogFormat.JSON
            else -> throw BadValue("expected text or json, got '${text.take(MAX_SHOWN)}'")
        }
    }

    val all: List<Setting<*>> = listOf(http, logFormat)

    private const val MAX_SHOWN = 40

    /** `9464` (loopback), `127.0.0.1:9464`, `0.0.0.0:9464`, `[::1]:9464`, `host.name:9464`. */
    fun address(text: String): InetSocketAddress {
        val t = text.trim()
        val shown = "'${t.take(MAX_SHOWN)}'"
        val colon = t.lastIndexOf(':')
        val host = if (colon < 0) null else t.substring(0, colon).removePrefix("[").removeSuffix("]")
        val portText = if (colon < 0) t else t.substring(colon + 1)
        val port = portText.toIntOrNull()?.takeIf { it in 1..MAX_PORT }
            ?: throw BadValue("expected [HOST:]PORT with a port from 1 to $MAX_PORT, got $shown")
        if (host != null && host.isEmpty()) {
            throw BadValue("expected a host before ':' (or only a port, for 127.0.0.1), got $shown")
        }
        return InetSocketAddress(if (host == null) InetAddress.getLoopbackAddress() else resolve(host, shown), port)
    }

    private fun resolve(host: String, shown: String): InetAddress = try {
        InetAddress.getByName(host)
    } catch (e: UnknownHostException) {
        throw BadValue("unknown host '${host.take(MAX_SHOWN)}' in $shown", e)
    }
}
