package dev.mqttflow.cli

import com.github.ajalt.clikt.core.UsageError
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.config.TlsConfig
import dev.mqttflow.config.Transport
import dev.mqttflow.config.WillConfig
import dev.mqttflow.worker.RetryPolicy
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration

/** What `mqttflow run` will do, checked: the framework configuration plus the CLI's own settings. */
internal data class RunPlan(
    val config: MqttFlowConfig,
    val verbosity: Int,
    val embeddedBroker: Boolean,
    val classpath: List<Path>,
    /** The channel layer's URL (`memory://` by default). */
    val layerUrl: String,
    /** `--db-url` / MQTTFLOW_DB_URL if given; null lets consumers' declared tables decide. */
    val dbUrl: String?,
    /** `--script-cache` / MQTTFLOW_SCRIPT_CACHE if given; null for the default folder. */
    val scriptCache: Path?,
    /** Settings that work but probably do not do what the user wants; logged as warnings. */
    val warnings: List<String>,
    /** `--http`: where to serve metrics, health and the status page; null for nowhere. */
    val http: java.net.InetSocketAddress? = null,
    val logFormat: LogFormat = LogFormat.TEXT,
) {
    companion object {
        /** Builds the plan; a setting that cannot work is a [UsageError] naming it and where it came from. */
        fun of(s: ResolvedSettings): RunPlan {
            val embedded = s.required(Settings.embeddedBroker)
            val tls = tls(s)
            if (embedded) checkEmbedded(s, tls)
            val config = MqttFlowConfig(
                host = if (embedded) "127.0.0.1" else s.required(Settings.host),
                port = s.value(Settings.port),
                clientId = s.value(Settings.clientId),
                username = s.value(Settings.username),
                password = s.value(Settings.password),
                version = s.required(Settings.protocol),
                cleanStart = s.required(Settings.cleanSession),
                sessionExpiry = s.required(Settings.sessionExpiry),
                keepAlive = s.required(Settings.keepAlive),
                tls = tls,
                transport = s.required(Settings.transport),
                wsPath = s.required(Settings.wsPath),
                will = will(s),
                retries = s.required(Settings.retries),
                connectTimeout = s.required(Settings.connectTimeout),
                shutdownTimeout = s.required(Settings.shutdownTimeout),
                reconnectRetries = s.required(Settings.reconnectRetries),
                outboxFile = s.value(Settings.outbox),
                outboxMessages = s.required(Settings.outboxMessages),
                outboxBytes = s.required(Settings.outboxBytes),
                onFailure = RetryPolicy(s.required(Settings.failureRetries), deadLetter = s.value(Settings.deadLetter)),
                proxy = s.value(Settings.proxy),
                zone = s.value(AutomationSettings.zone) ?: java.time.ZoneId.systemDefault(),
                location = AutomationSettings.location(s),
                group = s.value(DeploySettings.group),
            )
            return RunPlan(
                config,
                s.required(Settings.verbosity),
                embedded,
                classpath(s),
                s.required(Settings.layer),
                s.value(Settings.dbUrl),
                s.value(Settings.scriptCache),
                warnings(config),
                s.value(OpsSettings.http),
                s.required(OpsSettings.logFormat),
            )
        }

        private fun tls(s: ResolvedSettings): TlsConfig? {
            val cert = s[Settings.cert]
            val key = s[Settings.key]
            val ca = s[Settings.caCert]
            if (cert != null && key == null) {
                throw UsageError(
                    "${cert.source.input} was given without a client key (--key or TLS_KEY): " +
                        "give both for mutual TLS, or neither",
                )
            }
            if (key != null && cert == null) {
                throw UsageError(
                    "${key.source.input} was given without a client certificate (--cert or TLS_CERT): " +
                        "give both for mutual TLS, or neither",
                )
            }
            listOfNotNull(cert, key, ca).forEach { checkReadable(it) }
            val wanted = s.required(Settings.useSsl) || cert != null || ca != null
            return if (wanted) TlsConfig(caFile = ca?.value, certFile = cert?.value, keyFile = key?.value) else null
        }

        private fun checkReadable(file: Resolved<Path>) {
            val path = file.value
            val problem = when {
                !Files.exists(path) -> "file not found: $path"
                !Files.isRegularFile(path) -> "not a file: $path"
                !Files.isReadable(path) -> "cannot read $path"
                else -> return
            }
            throw UsageError("${file.source.input}: $problem")
        }

        private fun checkEmbedded(s: ResolvedSettings, tls: TlsConfig?) {
            fun given(setting: Setting<*>) = s.sourceOf(setting).let { it != null && it != Source.Default }
            val reason = when {
                given(Settings.host) -> "${s.sourceOf(Settings.host)?.input} is set, but the embedded broker " +
                    "runs in this process on 127.0.0.1; drop one of them"

                tls != null -> "the embedded broker speaks plain MQTT; drop the TLS settings or --embedded-broker"

                s.required(Settings.transport) != Transport.TCP ->
                    "the embedded broker is reached over tcp; drop -T websockets or --embedded-broker"

                else -> return
            }
            throw UsageError("--embedded-broker: $reason")
        }

        private fun will(s: ResolvedSettings): WillConfig? {
            val topic = s.value(Settings.willTopic)
            if (topic == null) {
                val orphan = listOf(Settings.willPayload, Settings.willQos, Settings.willRetain)
                    .firstNotNullOfOrNull { setting -> s.sourceOf(setting)?.takeIf { it != Source.Default } }
                if (orphan !=
                    null
                ) {
                    throw UsageError("${orphan.input} needs a will topic (--will-topic or MQTT_WILL_TOPIC)")
                }
                return null
            }
            return WillConfig(
                topic = topic,
                payload = (s.value(Settings.willPayload) ?: "").encodeToByteArray(),
                qos = s.required(Settings.willQos),
                retain = s.required(Settings.willRetain),
            )
        }

        /** Directories and jars; an entry `dir/` + `*` means every jar in `dir`, as with `java -cp`. */
        private fun classpath(s: ResolvedSettings): List<Path> {
            val resolved = s[Settings.classpath] ?: return emptyList()
            return resolved.value.split(File.pathSeparatorChar).filter { it.isNotBlank() }.flatMap { entry ->
                val wildcard = entry == "*" || entry.endsWith("/*")
                val path = Path.of(if (wildcard) entry.dropLast(1).ifEmpty { "." } else entry)
                if (!Files.exists(path)) throw UsageError("${resolved.source.input}: not found: $entry")
                if (wildcard) {
                    Files.list(path).use { files -> files.filter { it.toString().endsWith(".jar") }.sorted().toList() }
                } else {
                    listOf(path)
                }
            }
        }

        private fun warnings(config: MqttFlowConfig): List<String> = buildList {
            if (!config.cleanStart && config.clientId == null) {
                add(
                    "a persistent session (-c false) with a generated client id survives reconnects of this " +
                        "process only; set -i/--id to resume it after a restart",
                )
            }
            if (!config.cleanStart && config.version == MqttVersion.MQTT_5 && config.sessionExpiry == Duration.ZERO) {
                add(
                    "-c false with --session-expiry 0: under MQTT 5 the broker drops the session at the first " +
                        "disconnect; set --session-expiry (seconds) to keep it",
                )
            }
        }
    }
}
