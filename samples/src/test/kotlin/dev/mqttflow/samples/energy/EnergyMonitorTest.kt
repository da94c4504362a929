package dev.mqttflow.samples.energy

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class EnergyMonitorTest :
    FunSpec({
        test("numbers are watts, with spaces, decimals, exponents and negative export") {
            listOf("1250", " 1250.5 ", "-300", "1e3").map(::parseWatts) shouldBe listOf(1250.0, 1250.5, -300.0, 1000.0)
        }

        test("anything else is not a reading") {
            listOf("banana", "", "12 W", "NaN", "Infinity", "1,5").map(::parseWatts) shouldBe List(6) { null }
        }

        test("the alert is JSON naming device, watts and threshold, with the device escaped") {
            alertJson("oven", 3500.0, 3000.0) shouldBe """{"device":"oven","watts":3500.0,"threshold":3000.0}"""
            alertJson("a\"b\\c", 1.0, 0.5) shouldBe """{"device":"a\"b\\c","watts":1.0,"threshold":0.5}"""
        }

        test("the threshold is 3000 W unless ENERGY_THRESHOLD_WATTS says otherwise") {
            EnergySettings.fromEnvironment(emptyMap()).thresholdWatts shouldBe 3000.0
            EnergySettings.fromEnvironment(mapOf("ENERGY_THRESHOLD_WATTS" to "4500")).thresholdWatts shouldBe 4500.0
            shouldThrow<IllegalArgumentException> {
                EnergySettings.fromEnvironment(mapOf("ENERGY_THRESHOLD_WATTS" to "lots"))
            }.message shouldContain "ENERGY_THRESHOLD_WATTS must be a number of watts, not 'lots'"
        }
    })
