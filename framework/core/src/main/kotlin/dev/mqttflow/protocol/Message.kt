package dev.mqttflow.protocol

import dev.mqttflow.errors.PayloadException
import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.CharsetDecoder
import java.nio.charset.CodingErrorAction

/**
 * A message from the broker (mqttasgi's `mqtt.msg`).
 *
 * [vars] holds the named topic variables of the handler pattern that matched
 * (`home/{room}/motion` gives `vars["room"]`); it is empty where no pattern was involved.
 */
public class Message(
    public val topic: String,
    public val payload: ByteArray,
    public val qos: Int = 0,
    public val retain: Boolean = false,
    public val properties: MessageProperties = MessageProperties.NONE,
    public val vars: Map<String, String> = emptyMap(),
) {
    init {
        requireQos(qos)
    }

    /**
     * The payload decoded as UTF-8, leniently: a byte sequence that is not valid UTF-8 becomes the
     * replacement character U+FFFD, and no error is raised. Use [textStrict] where a corrupt payload
     * must not pass for text.
     */
    public val text: String by lazy(LazyThreadSafetyMode.PUBLICATION) { payload.decodeToString() }

    /**
     * The payload decoded as UTF-8, strictly: throws [dev.mqttflow.errors.PayloadException] naming
     * the topic and the first invalid byte when the payload is not valid UTF-8 (where [text] would
     * put U+FFFD in its place).
     */
    public val textStrict: String get() = decodeStrictly(payload) ?: throw PayloadException(topic, utf8Problem(payload))

    /** A copy carrying [vars]. */
    public fun withVars(vars: Map<String, String>): Message = Message(topic, payload, qos, retain, properties, vars)

    override fun equals(other: Any?): Boolean = other is Message && topic == other.topic &&
        payload.contentEquals(other.payload) && qos == other.qos && retain == other.retain &&
        properties == other.properties && vars == other.vars

    override fun hashCode(): Int {
        var h = topic.hashCode()
        h = 31 * h + payload.contentHashCode()
        h = 31 * h + qos.hashCode()
        h = 31 * h + retain.hashCode()
        h = 31 * h + properties.hashCode()
        return 31 * h + vars.hashCode()
    }

    override fun toString(): String = "Message(topic=$topic, payload=${payload.preview()}, qos=$qos, " +
        "retain=$retain" + (if (properties.isEmpty) "" else ", $properties") +
        (if (vars.isEmpty()) "" else ", vars=$vars") + ")"
}

private const val PREVIEW_BYTES = 64
private const val BYTE_MASK = 0xFF

private fun strictDecoder(): CharsetDecoder = Charsets.UTF_8.newDecoder()
    .onMalformedInput(CodingErrorAction.REPORT)
    .onUnmappableCharacter(CodingErrorAction.REPORT)

/** [payload] as UTF-8, or null when it is not valid UTF-8. */
private fun decodeStrictly(payload: ByteArray): String? {
    val output = CharBuffer.allocate(payload.size) // UTF-8 never needs more chars than bytes
    val decoder = strictDecoder()
    val result = decoder.decode(ByteBuffer.wrap(payload), output, true)
    if (result.isError || decoder.flush(output).isError) return null
    return output.flip().toString()
}

/** Where and how [payload] breaks UTF-8: "is not valid UTF-8: byte 0xC3 at offset 4 of 6". */
private fun utf8Problem(payload: ByteArray): String {
    val input = ByteBuffer.wrap(payload)
    strictDecoder().decode(input, CharBuffer.allocate(payload.size), true)
    val at = input.position()
    val byte = if (at < payload.size) " 0x%02X".format(payload[at].toInt() and BYTE_MASK) else ""
    return "is not valid UTF-8: byte$byte at offset $at of ${payload.size} (msg.text would show U+FFFD there)"
}

internal fun ByteArray.preview(): String {
    val text = decodeToString(0, minOf(size, PREVIEW_BYTES))
    val printable = text.all { !it.isISOControl() || it == '\n' || it == '\t' } && '\uFFFD' !in text
    return when {
        !printable -> "<$size bytes>"
        size > PREVIEW_BYTES -> "\"$text…\" ($size bytes)"
        else -> "\"$text\""
    }
}
