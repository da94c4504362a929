package com.example.broker

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.mqttConsumer
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import kotlin.time.Duration.Companion.seconds

class EmbeddedBrokerTest {
    private val echo = mqttConsumer("echo") {
        onConnect { subscribe("echo/in", qos = 1) }
        onMessage { msg -> publish("echo/out", "echo: ${msg.text}", qos = 1, retain = true) }
    }

    @Test
    fun `a consumer answers through the embedded broker`() {
        EmbeddedBroker.start().use { broker ->
            val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)
            runBlocking {
                // Retained both ways: neither side has to be subscribed before the other publishes.
                MqttFlow.publishSingle(config, "echo/in", "hello", qos = 1, retain = true)
                val flow = launch { MqttFlow(config).run(echo) }
                val reply = withTimeout(60.seconds) { MqttFlow.subscribeSimple(config, "echo/out", qos = 1) }
                assertEquals("echo: hello", reply.single().text)
                flow.cancelAndJoin()
            }
        }
    }
}
