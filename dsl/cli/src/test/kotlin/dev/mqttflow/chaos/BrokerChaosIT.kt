package dev.mqttflow.chaos

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

/** Chaos on the broker's side (CI-sized; scripts/chaos runs the full size): nothing is lost. */
class BrokerChaosIT :
    FunSpec({
        for (qos in listOf(1, 2)) {
            test("broker restarted mid-stream, persistent session, QoS $qos: 0 lost") {
                val outcome = ChaosScenarios.brokerRestarts(qos)
                println(outcome)
                outcome.lost shouldBe emptyList()
            }
        }

        test("a timer publishing every 100 ms across an 11 s broker outage, clean session: every publish arrives") {
            val outcome = ChaosScenarios.timerAcrossOutage()
            println(outcome)
            outcome.published shouldBeGreaterThan 140
            outcome.lost shouldBe emptyList()
        }
    })
