package dev.mqttflow.layer

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.errors.InvalidLayerMessageException
import dev.mqttflow.fuzz.fuzzText
import dev.mqttflow.fuzz.show
import dev.mqttflow.fuzz.valueOr

/**
 * Fuzzes what other processes send through the channel layer (docs/fuzzing.md): a layer message's
 * JSON ([LayerMessage.fromJson]) and the Redis layer's envelope around it ([Envelope.decode]).
 */
class LayerMessageFuzzTest {
    /** A message, or [InvalidLayerMessageException] with a bounded message; a message survives a round trip. */
    @FuzzTest(maxDuration = "2m")
    fun fromJson(data: ByteArray) {
        val text = fuzzText(data)
        valueOr<InvalidLayerMessageException>(text, ::bounded) {
            val message = LayerMessage.fromJson(text)
            val again = LayerMessage.fromJson(message.toJson())
            check(again == message) { "round trip of ${show(text)} gave $again instead of $message" }
        }
    }

    /** An envelope, or [InvalidLayerMessageException]; a decoded envelope encodes to one that decodes the same. */
    @FuzzTest(maxDuration = "2m")
    fun envelope(data: ByteArray) {
        val text = fuzzText(data)
        valueOr<InvalidLayerMessageException>(text, ::bounded) {
            val envelope = Envelope.decode(text)
            val again = Envelope.decode(envelope.encode())
            check(again.channel == envelope.channel && again.expiresAt == envelope.expiresAt) { show(text) }
            check(again.message == envelope.message) { show(text) }
        }
    }

    /** A message about a remote input ends up in a log: it may quote the input, but not all of a huge one. */
    private fun bounded(message: String) = message.isNotBlank() && message.length <= MAX_MESSAGE

    private companion object {
        const val MAX_MESSAGE = 1_000
    }
}
