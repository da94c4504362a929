package dev.mqttflow.errors

import dev.mqttflow.InternalMqttFlowApi

/**
 * Everything mqttflow throws on purpose. Each subtype carries the input a user needs to fix
 * the problem (the topic, the option, the reason code); a wrapped HiveMQ or I/O failure is
 * kept as [cause].
 */
public sealed class MqttFlowException(message: String, cause: Throwable? = null) : RuntimeException(message, cause)

/** A topic or topic filter that MQTT does not allow; [topic] is the offending input. */
public class InvalidTopicException(public val topic: String, public val reason: String) :
    MqttFlowException("invalid topic '${topic.abbreviate()}': $reason")

/** A message payload that cannot be read the way a handler asked for (`msg.textStrict`); [topic] is where it came. */
public class PayloadException(public val topic: String, public val reason: String) :
    MqttFlowException("payload on '${topic.abbreviate()}' $reason")

/** The broker could not be reached, refused us, or the connection broke. */
public class ConnectionException(message: String, cause: Throwable? = null) : MqttFlowException(message, cause)

/** The broker refused a subscription; [reason] is its reason code (e.g. `NOT_AUTHORIZED`). */
public class SubscribeException(public val filter: String, public val reason: String, cause: Throwable? = null) :
    MqttFlowException("subscribe to '${filter.abbreviate()}' failed: $reason", cause)

/** The broker refused or failed a publish or unsubscribe. */
public class PublishException(public val topic: String, public val reason: String, cause: Throwable? = null) :
    MqttFlowException("publish to '${topic.abbreviate()}' failed: $reason", cause)

/** A configuration value that cannot work; [option] names it as the user wrote it. */
public class ConfigException(public val option: String, public val reason: String, cause: Throwable? = null) :
    MqttFlowException("$option: $reason", cause)

/** A worker operation that broke the rules (spawning from a non-master, a duplicate app id, …). */
public class WorkerException(message: String) : MqttFlowException(message)

private const val MAX_SHOWN = 200

/** This text, cut to its first 200 characters (with its length) when longer: for error messages. */
@InternalMqttFlowApi
public fun String.abbreviate(): String = if (length <= MAX_SHOWN) this else take(MAX_SHOWN) + "…($length chars)"

/** A channel-layer send found the receiving [channel] at its capacity (Django Channels' `ChannelFull`). */
public class ChannelFullException(public val channel: String, public val capacity: Int) :
    MqttFlowException("channel '$channel' is full ($capacity messages waiting); the message was not sent")

/** A channel-layer message, channel or group name that the layer cannot carry. */
public class InvalidLayerMessageException(message: String, cause: Throwable? = null) : MqttFlowException(message, cause)

/**
 * A `.mqtt.kts` script that does not compile, or whose body threw while it was loaded. [file] is the
 * script as the user named it; [line] and [column] (1-based, 0 when unknown) point at the first
 * error; the message holds every error, one per line, as `file:line:col: error: text`.
 */
public class ScriptException(
    public val file: String,
    public val line: Int,
    public val column: Int,
    message: String,
    cause: Throwable? = null,
) : MqttFlowException(message, cause)
