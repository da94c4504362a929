package com.example.home

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.consumerTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import kotlin.time.Duration.Companion.minutes

class MotionLightsTest {
    @Test
    fun `the light goes off five minutes after the last motion`() = consumerTest(motionLights()) {
        assertEquals(Subscribe("home/+/motion", qos = 1), connect())
        publish("home/hall/motion", "1", qos = 1)
        expectPublish("home/lights/hall/set", "on")
        advanceTimeBy(4.minutes)
        publish("home/hall/motion", "1", qos = 1) // the five minutes start over
        expectPublish("home/lights/hall/set", "on")
        advanceTimeBy(4.minutes)
        expectNoAction()
        advanceTimeBy(1.minutes)
        expectPublish("home/lights/hall/set", "off")
    }

    @Test
    fun `the stats consumer counts the motion messages`() = consumerTest(roomStats()) {
        connect()
        publish("home/hall/motion", "1")
        publish("home/kitchen/motion", "1")
        assertEquals(
            listOf("1 after home/hall/motion", "2 after home/kitchen/motion"),
            published.map { it.text },
        )
    }
}
