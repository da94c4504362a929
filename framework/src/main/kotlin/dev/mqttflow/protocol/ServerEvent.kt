package dev.mqttflow.protocol

/** What the server hands a consumer: mqttasgi's `mqtt.connect`, `mqtt.msg` and `mqtt.disconnect`. */
public sealed interface ServerEvent

/** The worker has started and the broker connection is up: subscribe here. */
public data object Connected : ServerEvent

/** The worker is stopping (killed, or the runtime is shutting down). */
public data object Disconnected : ServerEvent

/**
 * A message from the broker.
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
) : ServerEvent {
    init {
        requireQos(qos)
    }

    /** The payload decoded as UTF-8. */
    public val text: String by lazy(LazyThreadSafetyMode.PUBLICATION) { payload.decodeToString() }

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

internal fun ByteArray.preview(): String {
    val text = decodeToString(0, minOf(size, PREVIEW_BYTES))
    val printable = text.all { !it.isISOControl() || it == '\n' || it == '\t' } && '\uFFFD' !in text
    return when {
        !printable -> "<$size bytes>"
        size > PREVIEW_BYTES -> "\"$text…\" ($size bytes)"
        else -> "\"$text\""
    }
}
