package dev.mqttflow.internal

import dev.mqttflow.config.MqttVersion
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import java.nio.ByteBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction
import java.util.Base64

/** What a dead letter looks like on the wire (see [dev.mqttflow.worker.RetryPolicy]). */
internal object DeadLetters {
    const val TOPIC = "mqttflow-topic"
    const val ERROR = "mqttflow-error"
    const val ERROR_MESSAGE = "mqttflow-error-message"
    const val ATTEMPTS = "mqttflow-attempts"
    const val CONSUMER = "mqttflow-consumer"

    /**
     * MQTT 5: the original payload with the facts as user properties. MQTT 3.1.1 (no properties):
     * a JSON object with the same keys (without the `mqttflow-` prefix) and the payload as `payload`
     * (UTF-8 text) or `payloadBase64`.
     */
    fun publish(
        topic: String,
        message: Message,
        error: Throwable,
        attempts: Int,
        consumer: String,
        version: MqttVersion,
    ): Publish {
        val facts = listOf(
            TOPIC to message.topic,
            ERROR to error.javaClass.name,
            ERROR_MESSAGE to (error.message ?: ""),
            ATTEMPTS to attempts.toString(),
            CONSUMER to consumer,
        )
        if (version == MqttVersion.MQTT_5) {
            return Publish(topic, message.payload, qos = 1, properties = MessageProperties(userProperties = facts))
        }
        val json = buildJsonObject {
            for ((key, value) in facts) {
                val name = key.removePrefix("mqttflow-")
                put(name, if (key == ATTEMPTS) JsonPrimitive(attempts) else JsonPrimitive(value))
            }
            val text = strictText(message.payload)
            if (text !=
                null
            ) {
                put("payload", JsonPrimitive(text))
            } else {
                put("payloadBase64", JsonPrimitive(Base64.getEncoder().encodeToString(message.payload)))
            }
        }
        return Publish(topic, json.toString().encodeToByteArray(), qos = 1)
    }

    /** Publishes [letter] through [perform]; logs the outcome, never throws (but for cancellation). */
    suspend fun send(
        worker: String,
        letter: Publish,
        original: String,
        attempts: Int,
        log: org.slf4j.Logger,
        perform: suspend (Publish) -> Unit,
    ) {
        try {
            perform(letter)
            log.warn(
                "worker '{}': dead-lettered the message on '{}' to '{}' after {} attempt(s)",
                worker,
                original.forLog(),
                letter.topic.forLog(),
                attempts,
            )
        } catch (e: kotlinx.coroutines.CancellationException) {
            throw e
        } catch (e: Exception) {
            log.error(
                "worker '{}': publishing to the dead-letter topic '{}' failed: {}",
                worker,
                letter.topic,
                e.message,
            )
        }
    }

    private fun strictText(payload: ByteArray): String? = try {
        Charsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(payload))
            .toString()
    } catch (_: CharacterCodingException) {
        null
    }
}
