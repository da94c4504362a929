package dev.mqttflow.layer

import dev.mqttflow.errors.InvalidLayerMessageException
import dev.mqttflow.errors.abbreviate
import kotlinx.serialization.KSerializer
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.serializer

/**
 * A channel-layer message: a [type] such as `lights.override` that names the handler, and a JSON
 * [body]. On the wire it is one JSON object whose `type` field is the type, the way Django Channels
 * sends them: `{"type": "lights.override", "room": "hall"}`.
 *
 * A `@Serializable` class becomes a message with [of]: its `@SerialName` is the type.
 */
public class LayerMessage(public val type: String, public val body: JsonObject = JsonObject(emptyMap())) {
    init {
        if (type.isBlank()) throw InvalidLayerMessageException("a layer message needs a non-empty type")
    }

    /** The body decoded as [T]. */
    public inline fun <reified T> decode(): T = decode(serializer<T>())

    /** The body decoded with [deserializer]; unknown fields are ignored. */
    public fun <T> decode(deserializer: KSerializer<T>): T = JSON.decodeFromJsonElement(deserializer, body)

    /**
     * The message as one JSON object with its `type` field. Numbers keep the digits they arrived with
     * (rendering the tree, not re-encoding it as Kotlin numbers, which rounds 20-digit integers and
     * fails on `1e400`).
     */
    public fun toJson(): String = JsonObject(body + ("type" to JsonPrimitive(type))).toString()

    override fun equals(other: Any?): Boolean = other is LayerMessage && type == other.type && body == other.body

    override fun hashCode(): Int = type.hashCode() * 31 + body.hashCode()

    override fun toString(): String = "LayerMessage(type=$type, body=$body)"

    public companion object {
        /** Lenient JSON used for bodies: unknown keys ignored, defaults encoded. */
        public val JSON: Json = Json {
            ignoreUnknownKeys = true
            encodeDefaults = true
        }

        /** A message from a `@Serializable` [value]; its serial name (`@SerialName`) is the type. */
        public inline fun <reified T> of(value: T): LayerMessage = of(value, serializer<T>())

        /** A message from [value] encoded by [serializer]; the serial name is the type. */
        public fun <T> of(value: T, serializer: KSerializer<T>): LayerMessage {
            val element = JSON.encodeToJsonElement(serializer, value)
            val body = element as? JsonObject
                ?: throw InvalidLayerMessageException("a layer message body must be a JSON object, not $element")
            return LayerMessage(serializer.descriptor.serialName, JsonObject(body - "type"))
        }

        /** Parses the wire form; a missing or non-string `type` is refused. */
        public fun fromJson(text: String): LayerMessage {
            val obj = try {
                JSON.parseToJsonElement(text).jsonObject
            } catch (e: IllegalArgumentException) {
                throw InvalidLayerMessageException("not a JSON object: ${e.message}", e)
            }
            val type = (obj["type"] as? JsonPrimitive)?.takeIf { it.isString }?.content
                ?: throw InvalidLayerMessageException(
                    "a layer message needs a string 'type' field: ${text.abbreviate()}",
                )
            return LayerMessage(type, JsonObject(obj - "type"))
        }
    }
}
