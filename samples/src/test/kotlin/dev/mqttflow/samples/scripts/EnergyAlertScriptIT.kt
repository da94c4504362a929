package dev.mqttflow.samples.scripts

import dev.mqttflow.broker.EmbeddedBroker
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe

class EnergyAlertScriptIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        afterSpec { broker.close() }
        val script = loadSampleScript("energy-alert.mqtt.kts", mapOf("ENERGY_ALERT_WATTS" to "2000"))

        test("the script defines one consumer, energy-alert:alerts") {
            script.consumers.map { it.name } shouldContainExactly listOf("energy-alert:alerts")
        }

        test("a device over the threshold alerts once per excursion; numbers and JSON both count") {
            withScript(broker, script, "home/alerts/#") { peer ->
                peer.publish("home/energy/oven", "1250")
                peer.publish("home/energy/oven", "not a number")
                peer.publish("home/energy/oven", "2500")
                peer.next() shouldBe ("home/alerts/energy" to """{"device":"oven","watts":2500.0,"threshold":2000.0}""")

                peer.publish("home/energy/oven", "2600") // still the same excursion: no alert
                peer.publish("home/energy/oven", "{\"watts\": 150}") // back under: the next excursion alerts
                peer.publish("home/energy/oven", "{\"watts\": 3100.5}")
                peer.next() shouldBe ("home/alerts/energy" to """{"device":"oven","watts":3100.5,"threshold":2000.0}""")

                peer.publish("home/energy/kettle", "2200")
                peer.next() shouldBe
                    ("home/alerts/energy" to """{"device":"kettle","watts":2200.0,"threshold":2000.0}""")
            }
        }
    })
