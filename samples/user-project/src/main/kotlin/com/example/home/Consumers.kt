@file:JvmName("HomeConsumers")

package com.example.home

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.mqttConsumer
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes

/** Switches a room's light on at motion, and off [offAfter] after the room's last motion. */
fun motionLights(offAfter: Duration = 5.minutes): Consumer {
    val offTimers = mutableMapOf<String, Job>() // one worker runs one piece at a time: no lock needed
    return mqttConsumer("lights") {
        onConnect { subscribe("home/+/motion", qos = 1) }
        onMessage("home/{room}/motion") { msg ->
            val room = msg.vars.getValue("room")
            offTimers.remove(room)?.cancel()
            publish("home/lights/$room/set", "on", qos = 1)
            offTimers[room] = launch {
                delay(offAfter)
                publish("home/lights/$room/set", "off", qos = 1)
            }
        }
    }
}

/** Counts the messages of every room and publishes the count on `home/stats/count` after each one. */
fun roomStats(): Consumer {
    var seen = 0
    return mqttConsumer("stats") {
        onConnect { subscribe("home/+/motion", qos = 0) }
        onMessage { msg ->
            seen++
            publish("home/stats/count", "$seen after ${msg.topic}")
        }
    }
}
