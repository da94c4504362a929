package dev.mqttflow.client

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.seconds

/** The client API against real brokers: the embedded HiveMQ CE and Mosquitto. */
class MqttFlowClientIT :
    FunSpec({
        val hivemq = EmbeddedBroker.start()
        afterSpec { hivemq.close() }

        suspend fun roundTrip(config: MqttFlowConfig) {
            MqttFlow.client(config).use { c ->
                c.subscribe("humidity/#", qos = 1) shouldBe 1
                repeat(3) { c.publish("humidity/room$it", "${40 + it}", qos = 1) } // each waits for its PUBACK
                val got = withTimeout(20.seconds) { c.messages().take(3).map { "${it.topic}=${it.text}" }.toList() }
                got shouldContainExactlyInAnyOrder listOf("humidity/room0=40", "humidity/room1=41", "humidity/room2=42")
            }
        }

        test("subscribe, publish at QoS 1 and collect through the embedded HiveMQ CE") {
            roundTrip(MqttFlowConfig(host = "127.0.0.1", port = hivemq.port))
        }

        test("the same over MQTT 3.1.1 on Mosquitto") {
            Mosquitto().use {
                roundTrip(MqttFlowConfig(host = "127.0.0.1", port = it.port, version = MqttVersion.MQTT_3_1_1))
            }
        }

        test("messages queued for a persistent session reach the client before it subscribes again (Mosquitto)") {
            Mosquitto().use { mosquitto ->
                val config = MqttFlowConfig(
                    host = "127.0.0.1",
                    port = mosquitto.port,
                    clientId = "client-it-resume",
                    cleanStart = false,
                    sessionExpiry = 1.hours,
                )
                MqttFlow.client(config).use { it.subscribe("queued/#", qos = 1) }
                withContext(Dispatchers.IO) {
                    RawClient(mosquitto.port).use { raw -> repeat(20) { raw.publish("queued/x", "m$it", qos = 1) } }
                }
                MqttFlow.client(config).use { c ->
                    // no subscribe: the session brings them
                    val got = withTimeout(20.seconds) { c.messages().take(20).map { it.text }.toList() }
                    got shouldContainExactlyInAnyOrder (0 until 20).map { "m$it" }
                }
                MqttFlow.client(config.copy(cleanStart = true)).disconnect() // end the session
            }
        }

        test("publishSingle and subscribeSimple, paho's one-shots, on the embedded HiveMQ CE") {
            val config = MqttFlowConfig(host = "127.0.0.1", port = hivemq.port)
            MqttFlow.publishSingle(config, "oneshot/state", "ready", qos = 1, retain = true)
            val got = withTimeout(20.seconds) { MqttFlow.subscribeSimple(config, "oneshot/#", qos = 1, count = 1) }
            got.map { it.topic to it.text } shouldBe listOf("oneshot/state" to "ready")
            got.single().retain shouldBe true
        }
    })
