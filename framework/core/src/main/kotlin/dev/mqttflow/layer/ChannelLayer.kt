package dev.mqttflow.layer

import dev.mqttflow.errors.InvalidLayerMessageException

/**
 * Django Channels' channel layer: consumers (and any other code — a Ktor route, a `main`, a
 * scheduled job) talk through named channels and groups. Every worker has a channel
 * ([dev.mqttflow.consumer.ConsumerContext.channelName]); messages sent to it are handled by the
 * worker's `on("type")` handlers, one at a time, in order with its MQTT messages.
 *
 * Two implementations: [InMemoryChannelLayer] (one process; the default) and `RedisChannelLayer`
 * (across processes; mqttflow-redis). Both follow Channels' semantics: per-channel capacity ([send] to a full
 * channel throws [dev.mqttflow.errors.ChannelFullException]), message expiry, group expiry.
 */
public interface ChannelLayer : AutoCloseable {
    /** A new, unique channel name beginning with [prefix]. */
    public fun newChannel(prefix: String = "worker"): String

    /** Sends [message] to [channel]. Throws [dev.mqttflow.errors.ChannelFullException] when it is full. */
    public suspend fun send(channel: String, message: LayerMessage)

    /** The next unexpired message on [channel]; suspends until there is one. */
    public suspend fun receive(channel: String): LayerMessage

    /** Adds [channel] to [group]; membership expires after the layer's group expiry unless renewed. */
    public suspend fun groupAdd(group: String, channel: String)

    /** Removes [channel] from [group]. */
    public suspend fun groupDiscard(group: String, channel: String)

    /** Sends [message] to every channel of [group]; full channels are skipped with a warning. */
    public suspend fun groupSend(group: String, message: LayerMessage)

    /** Forgets [channel] and what waits on it (called when a worker stops). */
    public suspend fun discard(channel: String) {}

    override fun close() {}

    public companion object {
        private val NAME = Regex("[A-Za-z0-9._!-]{1,99}")
        private const val MAX_SHOWN = 120

        /** Channels' naming rule: ASCII letters, digits, `-`, `_`, `.`, `!`; under 100 characters. */
        @JvmStatic
        public fun requireValidName(name: String, what: String) {
            if (!NAME.matches(name)) {
                throw InvalidLayerMessageException(
                    "invalid $what name '${name.take(
                        MAX_SHOWN,
                    )}': use 1 to 99 ASCII letters, digits, '-', '_', '.', '!'",
                )
            }
        }
    }
}

/** Sends a `@Serializable` [value]; its `@SerialName` is the message type. */
public suspend inline fun <reified T> ChannelLayer.send(channel: String, value: T) {
    send(channel, LayerMessage.of(value))
}

/** Sends a `@Serializable` [value] to a group; its `@SerialName` is the message type. */
public suspend inline fun <reified T> ChannelLayer.groupSend(group: String, value: T) {
    groupSend(group, LayerMessage.of(value))
}
