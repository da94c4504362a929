package dev.mqttflow.worker

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * What happens to a QoS 1/2 message whose `onMessage` threw: it is handled again, in place, up to
 * [retries] more times, [backoff] apart (doubling); the worker's later messages wait meanwhile, so
 * the order holds. When the retries are spent, it is published to [deadLetter] (if set; `{consumer}`
 * is replaced by the consumer's name) with the original topic and payload, the error's class and
 * message, the attempt count and the consumer — as MQTT 5 user properties (`mqttflow-topic`,
 * `mqttflow-error`, `mqttflow-error-message`, `mqttflow-attempts`, `mqttflow-consumer`) beside the
 * original payload, or as a JSON envelope under MQTT 3.1.1 — and then acknowledged; the worker's
 * [FailurePolicy] applies after that. QoS 0 messages are never retried or dead-lettered.
 *
 * ```kotlin
 * RetryPolicy(retries = 3, backoff = 1.seconds, deadLetter = "mqttflow/dead/{consumer}")
 * ```
 */
public data class RetryPolicy(
    public val retries: Int = 0,
    public val backoff: Duration = 1.seconds,
    public val deadLetter: String? = null,
) {
    init {
        require(retries >= 0) { "retries must not be negative, not $retries" }
        require(!backoff.isNegative()) { "backoff must not be negative" }
        require(deadLetter == null || deadLetter.isNotBlank()) { "deadLetter must not be blank" }
    }

    /** The dead-letter topic for [consumer], or null. */
    public fun deadLetterTopic(consumer: String): String? = deadLetter?.replace("{consumer}", consumer)

    public companion object {
        /** No retry, no dead letter: a failed message is logged and acknowledged (the default). */
        @JvmField
        public val NONE: RetryPolicy = RetryPolicy()

        /** The dead-letter topic the docs suggest. */
        public const val DEFAULT_DEAD_LETTER: String = "mqttflow/dead/{consumer}"
    }
}
