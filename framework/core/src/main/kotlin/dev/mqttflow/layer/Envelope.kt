package dev.mqttflow.layer

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.errors.InvalidLayerMessageException
import dev.mqttflow.errors.abbreviate
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.longOrNull

/**
 * What the Redis layer keeps in its lists: the receiving [channel], the time the message [expiresAt]
 * (epoch milliseconds) and the [message] in its wire form. Other processes write these lists, so
 * [decode] trusts nothing: anything but `{"channel": "…", "expires": 123, "message": {…}}` is an
 * [InvalidLayerMessageException]. Public for mqttflow-redis only.
 */
@InternalMqttFlowApi
public class Envelope(public val channel: String, public val expiresAt: Long, public val message: String) {
    /** This envelope as the JSON text the Redis lists hold. */
    public fun encode(): String = JsonObject(
        mapOf(
            "channel" to JsonPrimitive(channel),
            "expires" to JsonPrimitive(expiresAt),
            "message" to LayerMessage.JSON.parseToJsonElement(message),
        ),
    ).toString()

    /** Reading envelopes. */
    public companion object {
        /** The envelope [text] holds; an [InvalidLayerMessageException] for anything else. */
        @Suppress("ThrowsCount")
        public fun decode(text: String): Envelope {
            val json = try {
                LayerMessage.JSON.parseToJsonElement(text) as? JsonObject
            } catch (e: IllegalArgumentException) {
                throw InvalidLayerMessageException("a layer envelope that is not JSON: ${e.message}", e)
            } ?: throw refused("not a JSON object", text)
            val channel = (json["channel"] as? JsonPrimitive)?.takeIf { it.isString }?.content
                ?: throw refused("no string 'channel'", text)
            val expires = (json["expires"] as? JsonPrimitive)?.takeIf { !it.isString }?.longOrNull
                ?: throw refused("no whole-number 'expires'", text)
            val message = json["message"] as? JsonObject ?: throw refused("no object 'message'", text)
            return Envelope(channel, expires, message.toString())
        }

        private fun refused(why: String, text: String) =
            InvalidLayerMessageException("a layer envelope with $why: ${text.abbreviate()}")
    }
}
