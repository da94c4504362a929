package dev.mqttflow.internal

import kotlin.random.Random
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The one backoff of mqttflow: [first] doubling per [attempt] (0-based) up to [max], each with
 * ±[jitter] (a fraction) so that many clients do not retry in step. Used for worker restarts
 * and meant for the connection's reconnects.
 */
internal fun backoff(
    attempt: Int,
    first: Duration = 1.seconds,
    max: Duration = 30.seconds,
    jitter: Double = 0.2,
    random: Random = Random.Default,
): Duration {
    if (first <= Duration.ZERO) return Duration.ZERO
    val doublings = attempt.coerceIn(0, MAX_DOUBLINGS)
    val base = (first * (1L shl doublings).toDouble()).coerceAtMost(max)
    return base * (1 + jitter * (2 * random.nextDouble() - 1))
}

private const val MAX_DOUBLINGS = 30
