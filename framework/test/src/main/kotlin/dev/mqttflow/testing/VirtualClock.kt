@file:OptIn(ExperimentalCoroutinesApi::class)

package dev.mqttflow.testing

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.TestCoroutineScheduler
import kotlin.time.Clock
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Instant

/** A [Clock] that reads [scheduler]'s virtual time: [start] when the test begins, moving only with it. */
internal class VirtualClock(private val start: Instant, private val scheduler: TestCoroutineScheduler) : Clock {
    override fun now(): Instant = start + scheduler.currentTime.milliseconds

    override fun toString(): String = "VirtualClock(now=${now()})"
}
