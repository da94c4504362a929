package dev.mqttflow.samples.energy

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.jetbrains.exposed.v1.jdbc.selectAll
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant

class EnergyMonitorTest :
    FunSpec({
        val start = Instant.parse("2026-01-15T07:00:00Z")

        test("every reading is stored with the consumer's time; only those above the threshold alert") {
            consumerTest(energyMonitor(EnergySettings(thresholdWatts = 3000.0)), startTime = start) {
                connect() shouldBe Subscribe("home/energy/+", qos = 1)
                publish("home/energy/fridge", "120.5", qos = 1)
                expectNoAction()
                advanceTimeBy(1.minutes)
                publish("home/energy/oven", "3500", qos = 1)
                expectPublish("home/alerts/energy", """{"device":"oven","watts":3500.0,"threshold":3000.0}""")
                publish("home/energy/kettle", "3000", qos = 1) // at the threshold: no alert
                expectNoAction()
                val rows = database.transaction {
                    EnergyReadings.selectAll().map {
                        Triple(it[EnergyReadings.device], it[EnergyReadings.watts], it[EnergyReadings.atEpochMs])
                    }
                }
                val t0 = start.toEpochMilliseconds()
                val t1 = (start + 1.minutes).toEpochMilliseconds()
                rows shouldContainExactly listOf(
                    Triple("fridge", 120.5, t0),
                    Triple("oven", 3500.0, t1),
                    Triple("kettle", 3000.0, t1),
                )
            }
        }

        test("a payload that is not a number is skipped: nothing stored, nothing published, no failure") {
            consumerTest(energyMonitor(EnergySettings())) {
                connect()
                publish("home/energy/oven", "banana", qos = 1)
                publish("home/energy/oven", "NaN", qos = 1)
                expectNoAction()
                failures.shouldBeEmpty()
                database.transaction { EnergyReadings.selectAll().count() } shouldBe 0L
                publish("home/energy/oven", "4000", qos = 1) // still running
                expectPublish("home/alerts/energy")
            }
        }

        test("the alert topic and threshold come from the settings") {
            consumerTest(energyMonitor(EnergySettings(thresholdWatts = 100.0, alertTopic = "ops/power"))) {
                connect()
                publish("home/energy/lamp", "150")
                expectPublish("ops/power", """{"device":"lamp","watts":150.0,"threshold":100.0}""")
            }
        }

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
