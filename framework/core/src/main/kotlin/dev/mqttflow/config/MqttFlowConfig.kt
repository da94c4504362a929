package dev.mqttflow.config

import dev.mqttflow.automation.schedule.Location
import dev.mqttflow.internal.ShareGroups
import java.nio.file.Path
import java.time.ZoneId
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration

/** The MQTT protocol version spoken to the broker. */
public enum class MqttVersion(public val label: String) {
    /** MQTT 5.0, the default. */
    MQTT_5("5"),

    /** MQTT 3.1.1, for older brokers. */
    MQTT_3_1_1("3.1.1"),
}

/** How bytes reach the broker. */
public enum class Transport {
    /** Plain TCP (or TLS over TCP). */
    TCP,

    /** MQTT over websockets (or secure websockets with TLS). */
    WEBSOCKETS,
}

/**
 * TLS settings. With no file set, the JVM's system trust store verifies the broker;
 * [caFile] alone trusts that CA; [certFile] with [keyFile] adds a client certificate (mutual TLS).
 * Files are PEM; the key is PKCS#8 or PKCS#1 (RSA) or SEC1 (EC), unencrypted.
 */
public data class TlsConfig @JvmOverloads constructor(
    public val caFile: Path? = null,
    public val certFile: Path? = null,
    public val keyFile: Path? = null,
)

/** The last will: published by the broker if this client vanishes without a clean disconnect. */
public data class WillConfig @JvmOverloads constructor(
    public val topic: String,
    public val payload: ByteArray = ByteArray(0),
    public val qos: Int = 0,
    public val retain: Boolean = false,
) {
    override fun equals(other: Any?): Boolean = other is WillConfig && topic == other.topic &&
        payload.contentEquals(other.payload) && qos == other.qos && retain == other.retain

    override fun hashCode(): Int = ((topic.hashCode() * 31 + payload.contentHashCode()) * 31 + qos) * 31 +
        retain.hashCode()
}

/**
 * Everything the runtime needs to know. Every field has a default, so `MqttFlowConfig()` talks
 * to `localhost:1883` over MQTT 5. [toString] never shows the password.
 */
public data class MqttFlowConfig(
    /** Broker host name or address. */
    public val host: String = "localhost",
    /** Broker port; null means 1883, or 8883 with TLS. */
    public val port: Int? = null,
    /** MQTT client identifier; null lets mqttflow generate one. */
    public val clientId: String? = null,
    public val username: String? = null,
    public val password: String? = null,
    public val version: MqttVersion = MqttVersion.MQTT_5,
    /** Start a clean session; false resumes a persistent one (set [sessionExpiry] too under MQTT 5). */
    public val cleanStart: Boolean = true,
    /** How long the broker keeps the session after a disconnect (MQTT 5). */
    public val sessionExpiry: Duration = Duration.ZERO,
    public val keepAlive: Duration = DEFAULT_KEEP_ALIVE,
    /** TLS settings; null for a plain connection. */
    public val tls: TlsConfig? = null,
    public val transport: Transport = Transport.TCP,
    /** The websocket path, used with [Transport.WEBSOCKETS]. */
    public val wsPath: String = "/mqtt",
    public val will: WillConfig? = null,
    /** Connection attempts before giving up, the first one included; 0 retries forever. */
    public val retries: Int = DEFAULT_RETRIES,
    /** How long one connection attempt may take. */
    public val connectTimeout: Duration = DEFAULT_CONNECT_TIMEOUT,
    /**
     * Messages a worker's inbox holds before routing waits for it. While routing waits, the
     * client reads no more messages: QoS 1/2 messages stay with the broker (nothing is acked
     * until handled, and the broker stops sending at its window of unacknowledged ones, or at
     * [receiveMaximum] if set lower);
     * QoS 0 messages that the client cannot buffer are dropped by the client, oldest first.
     */
    public val inboxCapacity: Int = DEFAULT_INBOX_CAPACITY,
    /**
     * Unacknowledged QoS 1/2 messages the broker may send us at once (MQTT 5 flow control). The
     * default, 65535, is the protocol's own and is not sent, so the broker's window applies
     * (Mosquitto's `max_inflight_messages`, HiveMQ's limits). Mosquitto before 2.0.13 overshoots a
     * smaller announced value under a burst, and the client then drops the connection.
     */
    public val receiveMaximum: Int = DEFAULT_RECEIVE_MAXIMUM,
    /** How long stopping waits for in-flight handlers and each `onDisconnect`. */
    public val shutdownTimeout: Duration = DEFAULT_SHUTDOWN_TIMEOUT,
    // --- engine (issue 11.5): poison messages ---
    /** Retry and dead-letter of QoS 1/2 messages whose handler threw, for consumers that set none. */
    public val onFailure: dev.mqttflow.worker.RetryPolicy = dev.mqttflow.worker.RetryPolicy.NONE,
    // --- Connection reliability (reconnects, outbox, QoS 0 buffer); see docs/reliability.md ---
    /**
     * Reconnect attempts after a connection that was up is lost, before the run ends; 0 (the
     * default) retries forever with capped backoff. [retries] counts only the first connect.
     */
    public val reconnectRetries: Int = 0,
    /**
     * Publishes that may wait for the connection while it is down; one more fails with
     * [dev.mqttflow.errors.PublishException] ("outbox full"), logged once per outage with a count.
     */
    public val outboxMessages: Int = DEFAULT_OUTBOX_MESSAGES,
    /** Payload bytes that may wait for the connection while it is down (see [outboxMessages]). */
    public val outboxBytes: Long = DEFAULT_OUTBOX_BYTES,
    /**
     * A SQLite file that keeps outgoing QoS 1/2 publishes until the broker acknowledged them; they
     * are sent again when the next run starts. Null (the default) keeps them in memory only.
     */
    public val outboxFile: Path? = null,
    /** QoS 0 messages received but not yet routed that are kept; more are dropped (counted, logged). */
    public val qos0BufferMessages: Int = DEFAULT_QOS0_BUFFER_MESSAGES,
    /** Payload bytes of QoS 0 messages received but not yet routed that are kept (see [qos0BufferMessages]). */
    public val qos0BufferBytes: Long = DEFAULT_QOS0_BUFFER_BYTES,
    /** A SOCKS or HTTP CONNECT proxy to reach the broker through; null connects directly. */
    public val proxy: ProxyConfig? = null,
    // --- automations (issue 13): time triggers ---
    /** The zone in which `daily`, `cron` and the days of sun triggers read wall-clock time; the system's by default. */
    public val zone: ZoneId = ZoneId.systemDefault(),
    /** Where `atSunrise` / `atSunset` compute the sun; null (the default): a consumer with one fails at start. */
    public val location: Location? = null,
    // --- instance groups (issue 18); see docs/deploy.md ---
    /**
     * The instance group this process belongs to: with a name, every subscription a consumer makes
     * is sent to the broker as the MQTT 5 shared subscription `$share/{group}/{filter}`, so each
     * message goes to one instance of the group; routing inside the process still matches the bare
     * filter. Subscriptions made with `shared = false` (and every state cache) stay per instance.
     * Null (the default): plain subscriptions.
     */
    public val group: String? = null,
) {
    /** The port actually used: [port], or 1883 / 8883 (TLS) by default. */
    public val effectivePort: Int get() = port ?: if (tls != null) DEFAULT_TLS_PORT else DEFAULT_PORT

    /** [sessionExpiry] as a `java.time.Duration`; Java's `getSessionExpiry()`. */
    public val javaSessionExpiry: java.time.Duration
        @JvmName("getSessionExpiry")
        get() = sessionExpiry.toJavaDuration()

    /** [keepAlive] as a `java.time.Duration`; Java's `getKeepAlive()`. */
    public val javaKeepAlive: java.time.Duration
        @JvmName("getKeepAlive")
        get() = keepAlive.toJavaDuration()

    /** [connectTimeout] as a `java.time.Duration`; Java's `getConnectTimeout()`. */
    public val javaConnectTimeout: java.time.Duration
        @JvmName("getConnectTimeout")
        get() = connectTimeout.toJavaDuration()

    /** [shutdownTimeout] as a `java.time.Duration`; Java's `getShutdownTimeout()`. */
    public val javaShutdownTimeout: java.time.Duration
        @JvmName("getShutdownTimeout")
        get() = shutdownTimeout.toJavaDuration()

    /** A builder that starts from this configuration (Java's way to change one field). */
    public fun toBuilder(): MqttFlowConfigBuilder = MqttFlowConfigBuilder(this)

    init {
        require(host.isNotBlank()) { "host must not be empty" }
        require(port == null || port in 1..MAX_PORT) { "port must be 1..$MAX_PORT, not $port" }
        require(retries >= 0) { "retries must be 0 (forever) or more, not $retries" }
        require(inboxCapacity >= 1) { "inboxCapacity must be at least 1, not $inboxCapacity" }
        require(receiveMaximum in 1..MAX_RECEIVE) { "receiveMaximum must be 1..$MAX_RECEIVE, not $receiveMaximum" }
        require(!keepAlive.isNegative()) { "keepAlive must not be negative" }
        require(!sessionExpiry.isNegative()) { "sessionExpiry must not be negative" }
        require(reconnectRetries >= 0) { "reconnectRetries must be 0 (forever) or more, not $reconnectRetries" }
        require(outboxMessages >= 1) { "outboxMessages must be at least 1, not $outboxMessages" }
        require(outboxBytes >= 1) { "outboxBytes must be at least 1, not $outboxBytes" }
        require(qos0BufferMessages >= 1) { "qos0BufferMessages must be at least 1, not $qos0BufferMessages" }
        require(qos0BufferBytes >= 1) { "qos0BufferBytes must be at least 1, not $qos0BufferBytes" }
        group?.let { name -> ShareGroups.problem(name)?.let { throw IllegalArgumentException("group '$name': $it") } }
    }

    override fun toString(): String = "MqttFlowConfig(host=$host, port=$effectivePort, clientId=$clientId, " +
        "username=$username, password=${if (password == null) null else "****"}, version=${version.label}, " +
        "cleanStart=$cleanStart, sessionExpiry=$sessionExpiry, keepAlive=$keepAlive, tls=$tls, " +
        "transport=$transport, wsPath=$wsPath, will=${will?.topic}, retries=$retries, " +
        "connectTimeout=$connectTimeout, inboxCapacity=$inboxCapacity, receiveMaximum=$receiveMaximum, " +
        "shutdownTimeout=$shutdownTimeout, onFailure=$onFailure, reconnectRetries=$reconnectRetries, " +
        "outboxMessages=$outboxMessages, outboxBytes=$outboxBytes, outboxFile=$outboxFile, " +
        "qos0BufferMessages=$qos0BufferMessages, qos0BufferBytes=$qos0BufferBytes, proxy=$proxy, " +
        "zone=$zone, location=$location)"

    public companion object {
        /** A builder for Java callers; see [MqttFlowConfigBuilder]. */
        @JvmStatic
        public fun builder(): MqttFlowConfigBuilder = MqttFlowConfigBuilder()

        /** MQTT's standard plain port. */
        public const val DEFAULT_PORT: Int = 1883

        /** MQTT's standard TLS port. */
        public const val DEFAULT_TLS_PORT: Int = 8883

        /** Default connection attempts. */
        public const val DEFAULT_RETRIES: Int = 3

        /** Default inbox capacity per worker. */
        public const val DEFAULT_INBOX_CAPACITY: Int = 256

        /** Default receive maximum. */
        public const val DEFAULT_RECEIVE_MAXIMUM: Int = 65535

        /** Default keep-alive. */
        public val DEFAULT_KEEP_ALIVE: Duration = 60.seconds

        /** Default connect timeout. */
        public val DEFAULT_CONNECT_TIMEOUT: Duration = 10.seconds

        /** Default shutdown timeout. */
        public val DEFAULT_SHUTDOWN_TIMEOUT: Duration = 10.seconds

        /** Default [outboxMessages]. */
        public const val DEFAULT_OUTBOX_MESSAGES: Int = 10_000

        /** Default [outboxBytes]: 16 MiB. */
        public const val DEFAULT_OUTBOX_BYTES: Long = 16L shl 20

        /** Default [qos0BufferMessages]. */
        public const val DEFAULT_QOS0_BUFFER_MESSAGES: Int = 10_000

        /** Default [qos0BufferBytes]: 8 MiB. */
        public const val DEFAULT_QOS0_BUFFER_BYTES: Long = 8L shl 20

        private const val MAX_PORT = 65535
        private const val MAX_RECEIVE = 65535
    }
}
