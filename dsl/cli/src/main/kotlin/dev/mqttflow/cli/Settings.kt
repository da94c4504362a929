package dev.mqttflow.cli

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.config.ProxyConfig
import dev.mqttflow.config.Transport
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.hidePasswords
import dev.mqttflow.script.ScriptCache
import java.nio.file.InvalidPathException
import java.nio.file.Path
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Every setting of `mqttflow run`, in the order `--print-config` and docs/cli.md list them. */
@Suppress("MagicNumber")
internal object Settings {
    private const val MAX_PORT = 65535
    private const val MAX_SESSION_EXPIRY = 4_294_967_295L
    private const val MAX_QUOTED = 40

    val host =
        Setting("host", listOf("-H", "--host"), "MQTT_HOSTNAME", "HOST", "broker host name or address", "localhost") {
            it.ifBlank { throw BadValue("a host name must not be empty") }
        }
    val port = Setting(
        "port",
        listOf("-p", "--port"),
        "MQTT_PORT",
        "PORT",
        "broker port",
        defaultText = "1883, or 8883 with TLS",
    ) { int(it, 1..MAX_PORT, "a port number (1..$MAX_PORT)") }
    val username = Setting("username", listOf("-U", "--username"), "MQTT_USERNAME", "NAME", "user name") { it }
    val password = Setting(
        "password",
        listOf("-P", "--password"),
        "MQTT_PASSWORD",
        "PASSWORD",
        "password (never shown; prefer the environment or .env over the command line)",
        secret = true,
    ) { it }
    val cleanSession = Setting(
        "cleansession",
        listOf("-c", "--cleansession"),
        "MQTT_CLEAN",
        "BOOL",
        "start a clean session; false resumes a persistent one (set --session-expiry too)",
        true,
        parse = ::bool,
    )
    val verbosity = Setting(
        "verbosity",
        listOf("-v", "--verbosity"),
        "VERBOSITY",
        "0|1|2",
        "0: info, 1: debug for mqttflow, 2: also the MQTT client's own log",
        0,
    ) { int(it, 0..2, "0, 1 or 2") }
    val clientId = Setting(
        "id",
        listOf("-i", "--id"),
        "MQTT_CLIENT_ID",
        "ID",
        "MQTT client id",
        defaultText = "generated",
    ) { it.ifEmpty { throw BadValue("a client id must not be empty") } }
    val cert = Setting("cert", listOf("-C", "--cert"), "TLS_CERT", "FILE", "client certificate (PEM), with --key") {
        path(it)
    }
    val key = Setting("key", listOf("-K", "--key"), "TLS_KEY", "FILE", "client private key (PEM), with --cert") {
        path(it)
    }
    val caCert = Setting("cacert", listOf("-S", "--cacert"), "TLS_CA", "FILE", "CA certificate(s) to trust (PEM)") {
        path(it)
    }
    val useSsl = Setting(
        "use-ssl",
        listOf("--use-ssl"),
        "MQTT_USE_SSL",
        "BOOL",
        "use TLS; without --cacert the JVM's trust store verifies the broker",
        false,
        isFlag = true,
        parse = ::bool,
    )
    val transport = Setting(
        "transport",
        listOf("-T", "--transport"),
        "MQTT_TRANSPORT",
        "tcp|websockets",
        "how to reach the broker",
        Transport.TCP,
        "tcp",
    ) {
        when (it.lowercase()) {
            "tcp" -> Transport.TCP
            "websockets", "ws" -> Transport.WEBSOCKETS
            else -> throw BadValue("expected tcp or websockets")
        }
    }
    val retries = Setting(
        "retries",
        listOf("-r", "--retries"),
        "MQTT_RETRIES",
        "N",
        "first connect: attempts before giving up, the first included; 0 = forever",
        MqttFlowConfig.DEFAULT_RETRIES,
    ) { int(it, 0..Int.MAX_VALUE, "a number of attempts (0 = forever)") }
    val protocol = Setting(
        "protocol",
        listOf("--protocol"),
        "MQTT_PROTOCOL",
        "5|3.1.1",
        "MQTT protocol version",
        MqttVersion.MQTT_5,
        "5",
    ) {
        when (it) {
            "5", "5.0" -> MqttVersion.MQTT_5
            "3.1.1", "311", "3" -> MqttVersion.MQTT_3_1_1
            else -> throw BadValue("expected 5 or 3.1.1")
        }
    }
    val keepAlive = Setting(
        "keepalive",
        listOf("--keepalive"),
        "MQTT_KEEPALIVE",
        "SECONDS",
        "keep-alive interval",
        MqttFlowConfig.DEFAULT_KEEP_ALIVE,
        "60",
    ) { duration(it, max = 65535.seconds) }
    val sessionExpiry = Setting(
        "session-expiry",
        listOf("--session-expiry"),
        "MQTT_SESSION_EXPIRY",
        "SECONDS",
        "how long the broker keeps our session after a disconnect (MQTT 5)",
        Duration.ZERO,
        "0",
    ) { duration(it, max = MAX_SESSION_EXPIRY.seconds) }
    val wsPath = Setting(
        "ws-path",
        listOf("--ws-path"),
        "MQTT_WS_PATH",
        "PATH",
        "websocket path, with -T websockets",
        "/mqtt",
    ) { it }
    val willTopic = Setting("will-topic", listOf("--will-topic"), "MQTT_WILL_TOPIC", "TOPIC", "last-will topic") {
        it.ifEmpty { throw BadValue("a will topic must not be empty") }
    }
    val willPayload = Setting(
        "will-payload",
        listOf("--will-payload"),
        "MQTT_WILL_PAYLOAD",
        "TEXT",
        "last-will payload",
        defaultText = "empty",
    ) { it }
    val willQos = Setting("will-qos", listOf("--will-qos"), "MQTT_WILL_QOS", "0|1|2", "last-will QoS", 0) {
        int(it, 0..2, "0, 1 or 2")
    }
    val willRetain = Setting(
        "will-retain",
        listOf("--will-retain"),
        "MQTT_WILL_RETAIN",
        "BOOL",
        "retain the last will",
        false,
        parse = ::bool,
    )
    val shutdownTimeout = Setting(
        "shutdown-timeout",
        listOf("--shutdown-timeout"),
        "MQTT_SHUTDOWN_TIMEOUT",
        "SECONDS",
        "on stop, how long in-flight handlers and each onDisconnect may take",
        MqttFlowConfig.DEFAULT_SHUTDOWN_TIMEOUT,
        "10",
    ) { duration(it, max = Duration.INFINITE) }
    val connectTimeout = Setting(
        "connect-timeout",
        listOf("--connect-timeout"),
        "MQTT_CONNECT_TIMEOUT",
        "SECONDS",
        "how long one connection attempt may take",
        MqttFlowConfig.DEFAULT_CONNECT_TIMEOUT,
        "10",
    ) { duration(it, max = Duration.INFINITE) }
    val embeddedBroker = Setting(
        "embedded-broker",
        listOf("--embedded-broker"),
        "MQTTFLOW_EMBEDDED_BROKER",
        "BOOL",
        "start an MQTT broker (HiveMQ CE) in this process on --port and connect to it",
        false,
        isFlag = true,
        parse = ::bool,
    )
    val classpath = Setting(
        "classpath",
        listOf("-cp", "--classpath"),
        "MQTTFLOW_CLASSPATH",
        "PATHS",
        "where TARGET classes live: directories and jars, separated by '${java.io.File.pathSeparator}'",
    ) { it.ifBlank { throw BadValue("the classpath must not be empty") } }

    val layer = Setting(
        "layer",
        listOf("--layer"),
        "MQTTFLOW_LAYER",
        "URL",
        "channel layer: memory:// (this process) or redis://host:port[/db][?prefix=P&capacity=N] (across processes)",
        "memory://",
        display = ::hidePassword,
    ) { it.trim().ifBlank { throw BadValue("expected memory:// or redis://host:port") } }
    val dbUrl = Setting(
        "db-url",
        listOf("--db-url"),
        "MQTTFLOW_DB_URL",
        "JDBC-URL",
        "database for consumers that declare tables (jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB?user=U&password=P)",
        defaultText = "jdbc:sqlite:mqttflow.db, opened only when a consumer declares tables",
        display = ::hidePassword,
    ) { it.trim().ifBlank { throw BadValue("expected a JDBC URL like jdbc:sqlite:mqttflow.db") } }

    val scriptCache = Setting(
        "script-cache",
        listOf("--script-cache"),
        ScriptCache.ENV,
        "DIR",
        "where compiled .mqtt.kts scripts are kept between runs",
        defaultText = "\$XDG_CACHE_HOME/mqttflow, else ~/.cache/mqttflow",
        parse = ::path,
    )

    // --- Connection reliability: reconnects and the outbox (docs/cli.md, docs/reliability.md) ---
    val reconnectRetries = Setting(
        "reconnect-retries",
        listOf("--reconnect-retries"),
        "MQTT_RECONNECT_RETRIES",
        "N",
        "once connected, reconnect attempts after a loss before giving up; 0 = forever",
        0,
    ) { int(it, 0..Int.MAX_VALUE, "a number of attempts (0 = forever)") }
    val outbox = Setting(
        "outbox",
        listOf("--outbox"),
        "MQTTFLOW_OUTBOX",
        "FILE",
        "keep outgoing QoS 1/2 publishes in this SQLite file until acknowledged; resent on the next start",
        defaultText = "none: kept in memory",
        parse = ::path,
    )
    val outboxMessages = Setting(
        "outbox-messages",
        listOf("--outbox-messages"),
        "MQTTFLOW_OUTBOX_MESSAGES",
        "N",
        "publishes that may wait for the connection while it is down; more fail",
        MqttFlowConfig.DEFAULT_OUTBOX_MESSAGES,
    ) { int(it, 1..Int.MAX_VALUE, "a number of messages, at least 1") }
    val outboxBytes = Setting(
        "outbox-bytes",
        listOf("--outbox-bytes"),
        "MQTTFLOW_OUTBOX_BYTES",
        "BYTES",
        "payload bytes that may wait for the connection while it is down; more fail",
        MqttFlowConfig.DEFAULT_OUTBOX_BYTES,
    ) { text -> text.trim().toLongOrNull()?.takeIf { it >= 1 } ?: throw BadValue("expected a number of bytes") }

    // --- engine (issue 11.5): poison messages ---
    val failureRetries = Setting(
        "failure-retries",
        listOf("--failure-retries"),
        "MQTTFLOW_FAILURE_RETRIES",
        "N",
        "retries (in place, 1 s doubling) of a QoS 1/2 message whose handler threw, for consumers that set none",
        0,
    ) { int(it, 0..MAX_FAILURE_RETRIES, "a number of retries from 0 to $MAX_FAILURE_RETRIES") }
    val deadLetter = Setting(
        "dead-letter",
        listOf("--dead-letter"),
        "MQTTFLOW_DEAD_LETTER",
        "TOPIC",
        "where a message goes when its retries are spent ({consumer} is the consumer's name); none by default",
    ) { it.ifBlank { throw BadValue("a dead-letter topic must not be empty") } }
    private const val MAX_FAILURE_RETRIES = 100
    private val engine: List<Setting<*>> = listOf(failureRetries, deadLetter)
    // --- end of the engine block ---

    // --- proxies (issue 14) ---
    val proxy = Setting(
        "proxy",
        listOf("--proxy"),
        "MQTTFLOW_PROXY",
        "URL",
        "reach the broker through socks5://[user:password@]host:port or http://[user:password@]host:port (CONNECT)",
        defaultText = "none: connect directly",
        display = ::hidePassword,
    ) { text ->
        try {
            ProxyConfig.parse(text)
        } catch (e: ConfigException) {
            throw BadValue(e.reason, e)
        }
    }
    private val proxies: List<Setting<*>> = listOf(proxy)
    // --- end of the proxies block ---

    val all: List<Setting<*>> = listOf(
        host, port, username, password, cleanSession, verbosity, clientId, cert, key, caCert, useSsl, transport,
        retries, protocol, keepAlive, sessionExpiry, wsPath, willTopic, willPayload, willQos, willRetain,
        shutdownTimeout, connectTimeout, embeddedBroker, classpath, layer, dbUrl, scriptCache,
        reconnectRetries, outbox, outboxMessages, outboxBytes,
    ) + engine + proxies + OpsSettings.all + AutomationSettings.all + DeploySettings.all

    /** `redis://user:secret@h` → `redis://user:****@h`; `…?password=secret&…` → `…?password=****&…`. */
    fun hidePassword(url: String): String = hidePasswords(url)

    /** `, got 'abc'`: the bad value, for settings that are never secret. */
    private fun got(text: String): String =
        ", got '" + (if (text.length <= MAX_QUOTED) text else text.take(MAX_QUOTED) + "…") + "'"

    private fun int(text: String, range: IntRange, what: String): Int {
        val n = text.trim().toIntOrNull() ?: throw BadValue("expected $what${got(text)}")
        if (n !in range) throw BadValue("expected $what${got(text)}")
        return n
    }

    fun bool(text: String): Boolean = when (text.trim().lowercase()) {
        "true", "1", "yes", "on" -> true
        "false", "0", "no", "off" -> false
        else -> throw BadValue("expected true/false, yes/no, on/off or 1/0${got(text)}")
    }

    /** Whole or decimal seconds (`10`, `0.5`), or a Kotlin duration (`500ms`, `2m`). */
    private fun duration(text: String, max: Duration): Duration {
        val t = text.trim()
        val d = t.toDoubleOrNull()?.seconds ?: Duration.parseOrNull(t)
            ?: throw BadValue("expected seconds (like 10 or 0.5) or a duration (like 500ms or 2m)${got(text)}")
        if (d.isNegative() || d > max) throw BadValue("expected a duration between 0 and $max${got(text)}")
        return d
    }

    private fun path(text: String): Path = try {
        Path.of(text.ifBlank { throw BadValue("a file name must not be empty") })
    } catch (e: InvalidPathException) {
        throw BadValue("not a file name: ${e.reason}", e)
    }
}
