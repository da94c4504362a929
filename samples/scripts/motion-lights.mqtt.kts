// Motion-triggered lights, as a script: `mqttflow run motion-lights.mqtt.kts`.
//
// Motion sensors publish to home/{room}/motion. The room's light gets "on" at
// home/lights/{room}/set, and "off" once the room has been quiet for the quiet period; new motion
// restarts that timer. Payloads 0, false, off and no mean "no motion" and are ignored.
//
// MOTION_LIGHTS_QUIET sets the quiet period as a Kotlin duration (90s, 5m, 1h 30m); default 5m.

val quietPeriod = env("MOTION_LIGHTS_QUIET")?.let { Duration.parse(it) } ?: 5.minutes
val noMotion = setOf("0", "false", "off", "no")

mqttConsumer("lights") {
    // One timer per room. Timers run in the worker's scope: they stop with it, and follow its clock.
    val timers = java.util.concurrent.ConcurrentHashMap<String, Job>()

    onConnect { subscribe("home/+/motion", qos = 1) }

    onMessage("home/{room}/motion") { msg ->
        val room = msg.vars.getValue("room")
        if (msg.text.trim().lowercase() in noMotion) return@onMessage
        publish("home/lights/$room/set", "on", qos = 1)
        timers.put(room, launch {
            delay(quietPeriod)
            publish("home/lights/$room/set", "off", qos = 1)
        })?.cancel()
    }
}
