package dev.mqttflow.internal

import dev.mqttflow.protocol.Message
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import org.slf4j.LoggerFactory

private val log = LoggerFactory.getLogger("mqttflow.worker")
private const val MAX_BACKOFF = 1024

/**
 * Handles [message], retrying a QoS 1/2 message in place as the consumer's [RetryPolicy] says
 * (later work waits), then dead-letters it; returns the failure decision if it failed for good.
 */
internal suspend fun Worker.deliver(message: Message): FailurePolicy? {
    val retry = consumer.onFailure ?: host.retryPolicy
    var attempt = 1
    while (true) {
        val error = tryOnce(message) ?: return null
        if (message.qos == 0 || attempt > retry.retries || isStopping) {
            val deadLetter = if (message.qos > 0) retry.deadLetterTopic(consumer.name) else null
            if (deadLetter != null) host.deadLetter(this, deadLetter, message, error, attempt)
            return host.failed(this, "onMessage", message.topic, error)
        }
        val wait = backoff(attempt - 1, first = retry.backoff, max = retry.backoff * MAX_BACKOFF, jitter = 0.0)
        log.warn(
            "worker '{}': onMessage threw on topic '{}' (attempt {} of {}): {}; retrying in {} ms",
            name,
            message.topic.forLog(),
            attempt,
            retry.retries + 1,
            error.toString(),
            wait.inWholeMilliseconds,
        )
        delay(wait)
        attempt++
    }
}

/** One run of `onMessage`: the exception it threw, or null. */
private suspend fun Worker.tryOnce(message: Message): Exception? {
    running = "onMessage on '${message.topic}'"
    val monitor = host.monitor
    val start = if (monitor != null) System.nanoTime() else 0L
    val error = try {
        consumer.onMessage(this, message)
        null
    } catch (e: CancellationException) {
        if (!currentCoroutineContext().isActive) throw e
        e
    } catch (e: Exception) {
        e
    } finally {
        running = null
    }
    monitor?.handled(consumer.name, System.nanoTime() - start, failed = error != null)
    return error
}
