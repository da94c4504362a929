package dev.mqttflow.script

import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.Message
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement

/**
 * The payload parsed as JSON (`msg.json().jsonObject["watts"]?.jsonPrimitive?.double`). Throws
 * [kotlinx.serialization.SerializationException] when it is not JSON. Imported in every script.
 */
public fun Message.json(): JsonElement = Json.parseToJsonElement(text)

/** Publishes [json] as compact JSON text (`buildJsonObject { put("on", true) }`). Imported in every script. */
public suspend fun ConsumerContext.publishJson(
    topic: String,
    json: JsonElement,
    qos: Int = 0,
    retain: Boolean = false,
) {
    publish(topic, json.toString(), qos, retain)
}
