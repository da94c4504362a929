package dev.mqttflow.script

import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.Message
import kotlinx.serialization.DeserializationStrategy
import kotlinx.serialization.SerializationException
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.serializer

/**
 * The payload parsed as JSON (`msg.json().jsonObject["watts"]?.jsonPrimitive?.double`). Throws
 * [kotlinx.serialization.SerializationException] when it is not JSON. Imported in every script.
 */
public fun Message.json(): JsonElement = Json.parseToJsonElement(text)

/**
 * The payload decoded from JSON as [T], a `@Serializable` class (one declared in the script works:
 * scripts compile with the serialization plugin): `val r = msg.decode<Reading>()`. Keys the class
 * does not declare are ignored (devices send more than a script reads). Throws
 * [SerializationException] naming the topic and the type when the payload does not fit. Imported
 * in every script.
 */
public inline fun <reified T> Message.decode(): T = decode(serializer<T>())

/** [decode] with an explicit [deserializer]. */
public fun <T> Message.decode(deserializer: DeserializationStrategy<T>): T = try {
    LENIENT.decodeFromString(deserializer, text)
} catch (e: IllegalArgumentException) { // SerializationException is one
    throw SerializationException(
        "cannot decode the payload on topic '$topic' as ${deserializer.descriptor.serialName}: ${e.message}",
        e,
    )
}

private val LENIENT = Json { ignoreUnknownKeys = true }

/** Publishes [json] as compact JSON text (`buildJsonObject { put("on", true) }`). Imported in every script. */
public suspend fun ConsumerContext.publishJson(
    topic: String,
    json: JsonElement,
    qos: Int = 0,
    retain: Boolean = false,
) {
    publish(topic, json.toString(), qos, retain)
}
