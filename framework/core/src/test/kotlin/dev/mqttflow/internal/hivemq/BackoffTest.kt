package dev.mqttflow.internal.hivemq

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeBetween
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.DurationUnit

class BackoffTest :
    FunSpec({
        fun seconds(attempt: Int) = HiveMqConnection.backoff(attempt).toDouble(DurationUnit.SECONDS)

        test("starts at 1 s and doubles, each wait within 20 % of its base") {
            for ((attempt, base) in listOf(0 to 1.0, 1 to 2.0, 2 to 4.0, 3 to 8.0, 4 to 16.0)) {
                repeat(200) { seconds(attempt).shouldBeBetween(base * 0.8, base * 1.2, 1e-9) }
            }
        }

        test("is capped at 30 s however many attempts failed") {
            for (attempt in listOf(5, 6, 10, 1000)) {
                repeat(200) { seconds(attempt).shouldBeBetween(24.0, 36.0, 1e-9) }
            }
        }

        test("has jitter: waits for the same attempt differ") {
            (1..50).map { seconds(2) }.toSet().size shouldBeGreaterThan 1
        }

        test("delays are shown in whole milliseconds or seconds") {
            HiveMqConnection.whole(937.4.milliseconds) shouldBe "937 ms"
            HiveMqConnection.whole(1.151520231.seconds) shouldBe "1 s"
            HiveMqConnection.whole(8.6.seconds) shouldBe "9 s"
        }
    })
