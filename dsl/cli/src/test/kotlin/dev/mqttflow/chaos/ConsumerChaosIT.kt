package dev.mqttflow.chaos

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/**
 * Chaos on mqttflow's side (CI-sized; scripts/chaos runs the full size), each with a persistent
 * session: killed, stopped under a burst, draining a backlog. Nothing is lost; duplicates are
 * allowed (at-least-once) and counted.
 */
class ConsumerChaosIT :
    FunSpec({
        for (qos in listOf(1, 2)) {
            test("mqttflow killed with SIGKILL mid-stream and restarted, QoS $qos: 0 lost") {
                val outcome = ChaosScenarios.kills(qos)
                println(outcome)
                outcome.lost shouldBe emptyList()
            }

            test("mqttflow stopped with SIGTERM under a burst and restarted, QoS $qos: 0 lost") {
                val outcome = ChaosScenarios.sigterms(qos)
                println(outcome)
                outcome.lost shouldBe emptyList()
            }

            test("a backlog drained across a restart, QoS $qos: 0 lost") {
                val outcome = ChaosScenarios.backlog(qos)
                println(outcome)
                outcome.lost shouldBe emptyList()
            }
        }
    })
