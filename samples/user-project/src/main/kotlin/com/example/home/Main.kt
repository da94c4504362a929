package com.example.home

import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import kotlinx.coroutines.runBlocking

/** Runs both consumers against the broker at `MQTT_HOST` (default localhost:1883) until Ctrl-C. */
fun main(): Unit = runBlocking {
    val config = MqttFlowConfig(host = System.getenv("MQTT_HOST") ?: "localhost", port = 1883)
    MqttFlow(config).run(motionLights(), roomStats())
}
