package dev.mqttflow.testing.examples

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Switches a room's heating on below the target temperature (a worker parameter) and off above it. */
class Thermostat : Consumer {
    override val name: String = "thermostat"

    override suspend fun onConnect(context: ConsumerContext) {
        context.subscribe("home/+/temperature", qos = 1)
    }

    override suspend fun onMessage(context: ConsumerContext, message: Message) {
        val room = message.topic.split('/')[1]
        val target = context.params.getValue("target") as Double
        val heating = if (message.text.toDouble() < target) "on" else "off"
        context.publish("home/$room/heating/set", heating, qos = 1)
    }
}

class JUnit5ExampleTest {
    @Test
    fun `switches the heating on below the target and off above it`() =
        consumerTest(Thermostat(), params = mapOf("target" to 20.0)) {
            assertEquals(Subscribe("home/+/temperature", qos = 1), connect())

            publish("home/living/temperature", "18.5", qos = 1)
            expectPublish("home/living/heating/set", "on")

            publish("home/living/temperature", "21")
            assertEquals(1, expectPublish("home/living/heating/set", "off").qos)
        }

    @Test
    fun `ignores sensors it did not subscribe to`() = consumerTest(Thermostat(), params = mapOf("target" to 20.0)) {
        connect()
        publish("garden/shed/temperature", "3")
        expectNoAction()
        assertTrue(failures.isEmpty())
    }
}
