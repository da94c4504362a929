package dev.mqttflow.samples.scripts

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** samples/scripts/energy-alert.mqtt.kts with the test kit. */
class EnergyAlertScriptTest :
    FunSpec({
        fun alerts(env: Map<String, String> = emptyMap()) =
            sampleScript("energy-alert.mqtt.kts", env).consumer("alerts")

        test("a device over 3000 W alerts once per excursion; numbers and JSON both count") {
            val alerts = alerts()
            consumerTest(alerts) {
                connect() shouldBe Subscribe("home/energy/+", qos = 1)
                publish("home/energy/oven", "2999.5")
                publish("home/energy/oven", "lots") // not a number: logged and skipped
                expectNoAction()
                publish("home/energy/oven", "3500")
                expectPublish("home/alerts/energy", """{"device":"oven","watts":3500.0,"threshold":3000.0}""")
                publish("home/energy/oven", "{\"watts\": 3600}") // the same excursion
                expectNoAction()
                publish("home/energy/oven", "3000") // at the threshold: the excursion is over
                publish("home/energy/oven", "{\"watts\": 3100.5}")
                expectPublish("home/alerts/energy", """{"device":"oven","watts":3100.5,"threshold":3000.0}""")
                publish("home/energy/kettle", "3001")
                expectPublish("home/alerts/energy", """{"device":"kettle","watts":3001.0,"threshold":3000.0}""")
                published.map { it.qos }.distinct() shouldBe listOf(1)
            }
        }

        test("ENERGY_ALERT_WATTS sets the threshold") {
            val alerts = alerts(mapOf("ENERGY_ALERT_WATTS" to "500"))
            consumerTest(alerts) {
                connect()
                publish("home/energy/heater", "499")
                expectNoAction()
                publish("home/energy/heater", "501")
                expectPublish("home/alerts/energy", """{"device":"heater","watts":501.0,"threshold":500.0}""")
            }
        }
    })
