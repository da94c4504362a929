// Freezer alert: above -10 °C for 10 minutes raises a retained alert; cooling down clears it.
mqttConsumer("freezer") {
    val freezer = state("zigbee2mqtt/freezer") { it.json().jsonObject.getValue("temperature").jsonPrimitive.double }

    onHeld(freezer, { it > -10.0 }, forAtLeast = 10.minutes) {
        publish("alerts/freezer", "warm: ${freezer.value} °C", qos = 1, retain = true)
    }
    onReleased(freezer) { publish("alerts/freezer", "", qos = 1, retain = true) }
}
