package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.errors.NoConsumerRunningException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration.Companion.seconds

/** Issue 15, items 3 and 4 (runtime side), on a real Mosquitto. */
class StopAndFailIT :
    FunSpec({
        val mosquitto = Mosquitto()
        afterSpec { mosquitto.close() }

        test("a run whose only consumer's onConnect fails ends with NoConsumerRunningException") {
            val broken = consumer("broken", onConnect = { subscribe("a/#/b", qos = 1) })
            val error = shouldThrow<NoConsumerRunningException> {
                withTimeout(30.seconds) {
                    MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port)).run(broken)
                }
            }
            error.consumers shouldBe listOf("broken")
            error.cause.shouldBeInstanceOf<InvalidTopicException>()
        }

        test("a consumer whose onConnect fails is stopped while the others run on") {
            val ok = CompletableDeferred<Unit>()
            val broken = consumer("broken", onConnect = { error("no database") })
            val fine = consumer("fine", onConnect = { ok.complete(Unit) })
            val job = runFlow(MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port), broken, fine)
            withTimeout(20.seconds) { ok.await() }
            job.isActive shouldBe true
            job.cancelAndJoin()
        }

        test("stop is bounded even when a handler busy-loops without ever suspending") {
            val release = AtomicBoolean(false)
            val looping = CompletableDeferred<Unit>()
            val busy = consumer("busy", onConnect = {
                looping.complete(Unit)
                @Suppress("ControlFlowWithEmptyBody")
                while (!release.get()) {
                    // a loop that never suspends: it cannot be cancelled
                }
            })
            val config = MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port, shutdownTimeout = 1.seconds)
            val job = runFlow(config, busy)
            try {
                withTimeout(20.seconds) { looping.await() }
                withTimeout(20.seconds) { job.cancelAndJoin() }
            } finally {
                release.set(true) // free the thread for the tests after this one
            }
        }
    })
