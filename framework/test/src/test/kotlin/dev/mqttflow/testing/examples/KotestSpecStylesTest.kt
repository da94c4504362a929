package dev.mqttflow.testing.examples

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.BehaviorSpec
import io.kotest.core.spec.style.StringSpec
import io.kotest.matchers.shouldBe

private val warm = mapOf("target" to 20.0)

/** The kit is a plain function call: it works the same in every Kotest spec style. */
class ThermostatStringSpecTest :
    StringSpec({
        "the thermostat subscribes to every room's temperature" {
            consumerTest(Thermostat(), params = warm) {
                connect() shouldBe Subscribe("home/+/temperature", qos = 1)
            }
        }
    })

class ThermostatBehaviorSpecTest :
    BehaviorSpec({
        given("a thermostat set to 20 degrees") {
            `when`("the kitchen reports 15 degrees") {
                then("it switches the kitchen's heating on") {
                    consumerTest(Thermostat(), params = warm) {
                        connect()
                        publish("home/kitchen/temperature", "15")
                        expectPublish("home/kitchen/heating/set", "on")
                    }
                }
            }
        }
    })
