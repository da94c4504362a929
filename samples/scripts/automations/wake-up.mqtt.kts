// Wake-up: weekdays at 07:00 local time (--zone), the wake-up scene. A run missed while mqttflow was
// down still fires if at most 5 minutes late (a restart), never at 15:00 (the default misfire policy).
mqttConsumer("wake-up") {
    daily("07:00", days = WEEKDAYS) {
        publish("home/scene/set", "wake-up", qos = 1)
        publish("home/bedroom/blinds/set", "open", qos = 1)
    }
}
