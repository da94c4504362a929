package dev.mqttflow.config

import dev.mqttflow.automation.schedule.Location
import java.nio.file.Path
import java.time.ZoneId
import kotlin.time.toKotlinDuration

/**
 * Builds an [MqttFlowConfig] from Java (whose `kotlin.time.Duration` constructor Java cannot call):
 *
 * ```java
 * MqttFlowConfig config = MqttFlowConfig.builder().host("broker.local").port(1883)
 *     .shutdownTimeout(Duration.ofSeconds(5)).build();
 * ```
 *
 * Every value starts at [MqttFlowConfig]'s default; [build] checks them as the constructor does.
 */
@Suppress("TooManyFunctions") // one setter per setting, as builders go
public class MqttFlowConfigBuilder internal constructor(private var config: MqttFlowConfig = MqttFlowConfig()) {

    private inline fun set(change: (MqttFlowConfig) -> MqttFlowConfig) = apply { config = change(config) }

    /** Broker host. */
    public fun host(host: String): MqttFlowConfigBuilder = set { it.copy(host = host) }

    /** Broker port. */
    public fun port(port: Int): MqttFlowConfigBuilder = set { it.copy(port = port) }

    /** MQTT client identifier. */
    public fun clientId(clientId: String): MqttFlowConfigBuilder = set { it.copy(clientId = clientId) }

    /** The instance group: subscriptions become `$share/{group}/{filter}` (see [MqttFlowConfig.group]). */
    public fun group(group: String?): MqttFlowConfigBuilder = set { it.copy(group = group) }

    /** User name and password. */
    public fun credentials(username: String, password: String?): MqttFlowConfigBuilder =
        set { it.copy(username = username, password = password) }

    /** MQTT 5 (default) or 3.1.1. */
    public fun version(version: MqttVersion): MqttFlowConfigBuilder = set { it.copy(version = version) }

    /** Clean start (default true); false with [sessionExpiry] resumes a persistent session. */
    public fun cleanStart(cleanStart: Boolean): MqttFlowConfigBuilder = set { it.copy(cleanStart = cleanStart) }

    /** How long the broker keeps the session after a disconnect (MQTT 5). */
    public fun sessionExpiry(expiry: java.time.Duration): MqttFlowConfigBuilder =
        set { it.copy(sessionExpiry = expiry.toKotlinDuration()) }

    /** Keep-alive interval. */
    public fun keepAlive(keepAlive: java.time.Duration): MqttFlowConfigBuilder =
        set { it.copy(keepAlive = keepAlive.toKotlinDuration()) }

    /** TLS with the system trust store. */
    public fun useTls(): MqttFlowConfigBuilder = set { it.copy(tls = TlsConfig()) }

    /** TLS trusting [caFile]; with [certFile] and [keyFile], mutual TLS. */
    public fun tls(caFile: Path?, certFile: Path?, keyFile: Path?): MqttFlowConfigBuilder =
        set { it.copy(tls = TlsConfig(caFile, certFile, keyFile)) }

    /** MQTT over websockets at [path]. */
    public fun websockets(path: String): MqttFlowConfigBuilder =
        set { it.copy(transport = Transport.WEBSOCKETS, wsPath = path) }

    /** The last will. */
    public fun will(topic: String, payload: ByteArray, qos: Int, retain: Boolean): MqttFlowConfigBuilder =
        set { it.copy(will = WillConfig(topic, payload, qos, retain)) }

    /** Connection attempts (0 = forever). */
    public fun retries(retries: Int): MqttFlowConfigBuilder = set { it.copy(retries = retries) }

    /** How long one connection attempt may take. */
    public fun connectTimeout(timeout: java.time.Duration): MqttFlowConfigBuilder =
        set { it.copy(connectTimeout = timeout.toKotlinDuration()) }

    /** Messages a worker's inbox holds. */
    public fun inboxCapacity(capacity: Int): MqttFlowConfigBuilder = set { it.copy(inboxCapacity = capacity) }

    /** MQTT 5 receive maximum. */
    public fun receiveMaximum(maximum: Int): MqttFlowConfigBuilder = set { it.copy(receiveMaximum = maximum) }

    /** How long stopping waits for in-flight handlers and each `onDisconnect`. */
    public fun shutdownTimeout(timeout: java.time.Duration): MqttFlowConfigBuilder =
        set { it.copy(shutdownTimeout = timeout.toKotlinDuration()) }

    // --- engine (issue 11.5): poison messages ---

    /**
     * Retries a failed QoS 1/2 message [retries] times, [backoff] apart, then publishes it to
     * [deadLetter] (none if null); see [dev.mqttflow.worker.RetryPolicy].
     */
    public fun onFailure(retries: Int, backoff: java.time.Duration, deadLetter: String?): MqttFlowConfigBuilder = set {
        it.copy(onFailure = dev.mqttflow.worker.RetryPolicy(retries, backoff.toKotlinDuration(), deadLetter))
    }

    /** Retry and dead-letter of failed QoS 1/2 messages, as a [dev.mqttflow.worker.RetryPolicy]. */
    public fun onFailure(policy: dev.mqttflow.worker.RetryPolicy): MqttFlowConfigBuilder =
        set { it.copy(onFailure = policy) }

    // --- Connection reliability (reconnects, outbox, QoS 0 buffer) ---

    /** Reconnect attempts after a loss (0 = forever, the default). */
    public fun reconnectRetries(retries: Int): MqttFlowConfigBuilder = set { it.copy(reconnectRetries = retries) }

    /** How many publishes, and how many payload bytes, may wait for the connection while it is down. */
    public fun outboxLimits(messages: Int, bytes: Long): MqttFlowConfigBuilder =
        set { it.copy(outboxMessages = messages, outboxBytes = bytes) }

    /** A SQLite file that keeps outgoing QoS 1/2 publishes until acknowledged, across runs. */
    public fun outboxFile(file: Path): MqttFlowConfigBuilder = set { it.copy(outboxFile = file) }

    /** How many QoS 0 messages, and how many payload bytes, may wait to be routed before drops. */
    public fun qos0BufferLimits(messages: Int, bytes: Long): MqttFlowConfigBuilder =
        set { it.copy(qos0BufferMessages = messages, qos0BufferBytes = bytes) }

    /** Reach the broker through [proxy]. */
    public fun proxy(proxy: ProxyConfig): MqttFlowConfigBuilder = set { it.copy(proxy = proxy) }

    /** Reach the broker through the proxy [url] names (`socks5://user:pass@host:1080`, `http://host:3128`). */
    public fun proxy(url: String): MqttFlowConfigBuilder = proxy(ProxyConfig.parse(url))

    // --- automations (issue 13): time triggers ---

    /** The zone of `daily`, `cron` and sun triggers (default: the system's). */
    public fun zone(zone: ZoneId): MqttFlowConfigBuilder = set { it.copy(zone = zone) }

    /** The zone by its id (`Europe/Berlin`, `UTC`); a bad id throws `java.time.DateTimeException`. */
    public fun zone(zoneId: String): MqttFlowConfigBuilder = zone(ZoneId.of(zoneId))

    /** Where sun triggers compute sunrise and sunset: degrees, north and east positive. */
    public fun location(latitude: Double, longitude: Double): MqttFlowConfigBuilder =
        set { it.copy(location = Location(latitude, longitude)) }

    /** The configuration. */
    public fun build(): MqttFlowConfig = config
}
