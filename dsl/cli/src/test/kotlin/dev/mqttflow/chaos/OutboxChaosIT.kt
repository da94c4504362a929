package dev.mqttflow.chaos

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The durable outbox (`--outbox`) across a SIGKILL while the broker is down. */
class OutboxChaosIT :
    FunSpec({
        test("50 QoS 1 publishes waiting in the outbox survive kill -9: all 50 arrive after the restarts") {
            val outcome = ChaosScenarios.outboxAcrossKill()
            println(outcome)
            outcome.lost shouldBe emptyList()
        }
    })
