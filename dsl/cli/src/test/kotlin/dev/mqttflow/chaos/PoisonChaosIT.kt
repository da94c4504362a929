package dev.mqttflow.chaos

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe

/** A poison stream: every 10th message throws; those are dead-lettered, the rest handled once. */
class PoisonChaosIT :
    FunSpec({
        test("every 10th message throws: a tenth are dead letters, the rest are handled exactly once") {
            val (outcome, letters) = ChaosScenarios.poison()
            println(outcome)
            outcome.lost shouldBe emptyList()
            outcome.duplicated shouldBe 0
            letters shouldHaveSize outcome.published / 10
        }
    })
