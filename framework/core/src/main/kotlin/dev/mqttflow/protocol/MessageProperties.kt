package dev.mqttflow.protocol

/**
 * MQTT 5 publish properties carried through mqttflow untouched.
 *
 * Under MQTT 3.1.1 these are not sent and always arrive empty.
 */
public class MessageProperties(
    /** User properties, in order; a name may repeat. */
    public val userProperties: List<Pair<String, String>> = emptyList(),
    /** The content type, e.g. `application/json`. */
    public val contentType: String? = null,
    /** Where a requester expects the reply. */
    public val responseTopic: String? = null,
    /** Opaque data that ties a reply to its request. */
    public val correlationData: ByteArray? = null,
    /** Seconds until the broker discards the message; null for never. */
    public val messageExpiryInterval: Long? = null,
) {
    /** True when no property is set. */
    public val isEmpty: Boolean
        get() = userProperties.isEmpty() && contentType == null && responseTopic == null &&
            correlationData == null && messageExpiryInterval == null

    override fun equals(other: Any?): Boolean = other is MessageProperties &&
        userProperties == other.userProperties && contentType == other.contentType &&
        responseTopic == other.responseTopic && messageExpiryInterval == other.messageExpiryInterval &&
        correlationData.contentEqualsNullable(other.correlationData)

    override fun hashCode(): Int {
        var h = userProperties.hashCode()
        h = 31 * h + (contentType?.hashCode() ?: 0)
        h = 31 * h + (responseTopic?.hashCode() ?: 0)
        h = 31 * h + (correlationData?.contentHashCode() ?: 0)
        h = 31 * h + (messageExpiryInterval?.hashCode() ?: 0)
        return h
    }

    override fun toString(): String = if (isEmpty) {
        "MessageProperties()"
    } else {
        buildList {
            if (userProperties.isNotEmpty()) add("userProperties=$userProperties")
            contentType?.let { add("contentType=$it") }
            responseTopic?.let { add("responseTopic=$it") }
            correlationData?.let { add("correlationData=${it.size} bytes") }
            messageExpiryInterval?.let { add("messageExpiryInterval=$it") }
        }.joinToString(prefix = "MessageProperties(", postfix = ")")
    }

    public companion object {
        /** No properties. */
        @JvmField
        public val NONE: MessageProperties = MessageProperties()
    }
}

internal fun ByteArray?.contentEqualsNullable(other: ByteArray?): Boolean =
    if (this == null) other == null else other != null && contentEquals(other)
