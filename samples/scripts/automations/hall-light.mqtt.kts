// Hall light: on at motion, off five minutes after the last motion — across restarts and --watch edits.
mqttConsumer("hall-light") {
    val off = timer("off") { room: String -> publish("home/lights/$room/set", "off", qos = 1) }

    onConnect { subscribe("home/+/motion", qos = 1) }

    onMessage("home/{room}/motion") { msg ->
        val room = msg.vars.getValue("room")
        publish("home/lights/$room/set", "on", qos = 1)
        off.restart(room, after = 5.minutes)
    }
}
