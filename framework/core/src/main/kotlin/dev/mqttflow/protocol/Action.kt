package dev.mqttflow.protocol

import dev.mqttflow.InternalMqttFlowApi

/**
 * What a consumer asks the server to do: mqttasgi's `mqtt.pub`, `mqtt.sub`, `mqtt.usub`,
 * `mqttasgi.worker.spawn` and `mqttasgi.worker.kill`.
 *
 * The runtime performs them against the broker; the test kit records them.
 */
public sealed interface Action

/** Publish [payload] to [topic]. */
public class Publish(
    public val topic: String,
    public val payload: ByteArray,
    public val qos: Int = 0,
    public val retain: Boolean = false,
    public val properties: MessageProperties = MessageProperties.NONE,
) : Action {
    /** Publish UTF-8 text. */
    @JvmOverloads
    public constructor(topic: String, text: String, qos: Int = 0, retain: Boolean = false) :
        this(topic, text.encodeToByteArray(), qos, retain)

    init {
        requireQos(qos)
    }

    /** The payload decoded as UTF-8. */
    public val text: String get() = payload.decodeToString()

    override fun equals(other: Any?): Boolean = other is Publish && topic == other.topic &&
        payload.contentEquals(other.payload) && qos == other.qos && retain == other.retain &&
        properties == other.properties

    override fun hashCode(): Int {
        var h = topic.hashCode()
        h = 31 * h + payload.contentHashCode()
        h = 31 * h + qos.hashCode()
        h = 31 * h + retain.hashCode()
        return 31 * h + properties.hashCode()
    }

    override fun toString(): String = "Publish(topic=$topic, payload=${payload.preview()}, qos=$qos, " +
        "retain=$retain" + (if (properties.isEmpty) "" else ", $properties") + ")"
}

/**
 * Subscribe to [filter] at up to [qos]. In an instance group ([dev.mqttflow.config.MqttFlowConfig.group])
 * a [shared] subscription is sent as `$share/{group}/{filter}`: each message goes to one instance;
 * `shared = false` keeps it per instance (every instance gets every message, and retained ones).
 * Without a group, [shared] changes nothing.
 */
public data class Subscribe @JvmOverloads constructor(
    public val filter: String,
    public val qos: Int = 0,
    public val shared: Boolean = true,
) : Action {
    init {
        requireQos(qos)
    }

    override fun toString(): String = "Subscribe(filter=$filter, qos=$qos" + (if (shared) ")" else ", shared=false)")
}

/** Drop the subscription to [filter]. */
public data class Unsubscribe(public val filter: String) : Action

/**
 * Start a worker [appId] running [consumer] with [params] (the master consumer only).
 * [consumer] names the consumer (its name, or a class name to load); [instance], when given, is the
 * consumer itself and is not part of equality.
 */
public class SpawnWorker @JvmOverloads constructor(
    public val appId: Int,
    public val consumer: String,
    public val params: Map<String, Any?> = emptyMap(),
    public val instance: dev.mqttflow.consumer.Consumer? = null,
) : Action {
    override fun equals(other: Any?): Boolean =
        other is SpawnWorker && appId == other.appId && consumer == other.consumer && params == other.params

    override fun hashCode(): Int = (appId * 31 + consumer.hashCode()) * 31 + params.hashCode()

    override fun toString(): String = "SpawnWorker(appId=$appId, consumer=$consumer, params=$params)"
}

/** Stop the worker [appId] (the master consumer only). */
public data class KillWorker(public val appId: Int) : Action

/** Throws [IllegalArgumentException] unless [qos] is 0, 1 or 2. */
@InternalMqttFlowApi
public fun requireQos(qos: Int) {
    require(qos in 0..2) { "QoS must be 0, 1 or 2, not $qos" }
}

/** Send [message] to the channel-layer channel [channel]. */
public data class ChannelSend(public val channel: String, public val message: dev.mqttflow.layer.LayerMessage) : Action

/** Send [message] to every channel of the channel-layer group [group]. */
public data class GroupSend(public val group: String, public val message: dev.mqttflow.layer.LayerMessage) : Action
