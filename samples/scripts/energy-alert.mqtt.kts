// Energy alerts, as a script: `mqttflow run energy-alert.mqtt.kts`.
//
// Meters publish their power draw to home/energy/{device}, as a number of watts (1250, 1250.5)
// or as JSON ({"watts": 1250}). When a device draws more than the threshold, an alert goes to
// home/alerts/energy: {"device":"oven","watts":3500.0,"threshold":3000.0}. It alerts once per
// excursion: the device must drop to the threshold or below before it alerts again.
//
// ENERGY_ALERT_WATTS sets the threshold in watts; default 3000.

val threshold = env("ENERGY_ALERT_WATTS")?.toDouble() ?: 3000.0

/** The watts in a payload, or null when it holds none. */
fun wattsOf(payload: String): Double? = payload.trim().toDoubleOrNull()
    ?: try {
        Json.parseToJsonElement(payload).jsonObject["watts"]?.jsonPrimitive?.doubleOrNull
    } catch (e: IllegalArgumentException) { // not JSON, or not an object
        null
    }

mqttConsumer("alerts") {
    val over = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()

    onConnect { subscribe("home/energy/+", qos = 1) }

    onMessage("home/energy/{device}") { msg ->
        val device = msg.vars.getValue("device")
        val watts = wattsOf(msg.text)
        when {
            watts == null -> log.warn("{}: '{}' is not a number of watts; skipped", msg.topic, msg.text.take(100))
            watts <= threshold -> over.remove(device)
            over.add(device) -> publishJson(
                "home/alerts/energy",
                buildJsonObject {
                    put("device", device)
                    put("watts", watts)
                    put("threshold", threshold)
                },
                qos = 1,
            )
        }
    }
}
