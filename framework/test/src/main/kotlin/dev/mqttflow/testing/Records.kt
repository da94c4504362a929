package dev.mqttflow.testing

import dev.mqttflow.protocol.Action
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/** An [action] a worker sent, as the test kit recorded it: who sent it and when, in virtual time. */
public data class SentAction(
    /** The worker's name (the consumer's name for a top-level consumer). */
    public val worker: String,
    /** What it sent. */
    public val action: Action,
    /** Virtual milliseconds since the test started. */
    public val atMillis: Long,
) {
    /** Virtual time since the test started. */
    public val at: Duration get() = atMillis.milliseconds

    override fun toString(): String = "[+$at] $worker: $action"
}

/**
 * A handler that threw, as the test kit recorded it. The runtime logged it and went on (or
 * stopped the worker, by its failure policy); the kit keeps it so tests and failure messages can
 * show it.
 */
public data class HandlerFailure(
    /** The worker's name. */
    public val worker: String,
    /** `onConnect`, `onMessage`, `onDisconnect`, or `a coroutine it launched`. */
    public val handler: String,
    /** The topic of the message being handled, for `onMessage`. */
    public val topic: String?,
    /** What it threw, with its stack trace. */
    public val error: Throwable,
    /** Virtual milliseconds since the test started. */
    public val atMillis: Long,
) {
    /** Virtual time since the test started. */
    public val at: Duration get() = atMillis.milliseconds

    override fun toString(): String =
        "[+$at] $worker: $handler" + (topic?.let { " on topic '$it'" } ?: "") + " threw $error"
}
