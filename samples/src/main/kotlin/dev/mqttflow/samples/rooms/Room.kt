package dev.mqttflow.samples.rooms

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.mqttConsumer
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Instant

/**
 * Sample 4's room worker: one runs per room, spawned by the house ([house]) with the param
 * `room`. It subscribes to its room's sensors, `home/{room}/temperature` (degrees, a number) and
 * `home/{room}/occupancy` (`1`/`0`, `true`/`false`, `occupied`/`empty`), keeps the room's latest
 * values, and after every change publishes the room's summary, retained, to
 * `house/rooms/{room}/summary`:
 * `{"room":"hall","temperature":21.5,"occupied":true,"updated":"2026-01-01T08:00:00Z"}`.
 * It publishes one when it starts, too (all values null), so a client sees the room appear.
 *
 * A payload it cannot read makes the handler throw, naming topic and payload: the worker fails,
 * the house's restart policy restarts it (its state starts afresh) and the house publishes an alert.
 */
fun roomWorker(qos: Int = 1): Consumer {
    val states = ConcurrentHashMap<String, RoomState>()
    return mqttConsumer("room") {
        onConnect {
            val room = room()
            states[room] = RoomState()
            subscribe("home/$room/temperature", qos = qos)
            subscribe("home/$room/occupancy", qos = qos)
            publishSummary(room, states.getValue(room), qos)
        }
        onMessage("home/{room}/temperature") { msg ->
            val degrees = msg.text.trim().toDoubleOrNull()?.takeIf { it.isFinite() }
            requireNotNull(degrees) { "${msg.topic}: '${msg.text.take(MAX_SHOWN)}' is not a temperature" }
            val room = room()
            val state = states.getValue(room).copy(temperature = degrees, updated = clock.now())
            states[room] = state
            publishSummary(room, state, qos)
        }
        onMessage("home/{room}/occupancy") { msg ->
            val occupied = parseOccupancy(msg.text)
            requireNotNull(occupied) {
                "${msg.topic}: '${msg.text.take(MAX_SHOWN)}' is not 1/0, true/false, occupied/empty"
            }
            val room = room()
            val state = states.getValue(room).copy(occupied = occupied, updated = clock.now())
            states[room] = state
            publishSummary(room, state, qos)
        }
        onDisconnect { states.remove(room()) }
    }
}

/** What a room worker knows about its room. */
data class RoomState(val temperature: Double? = null, val occupied: Boolean? = null, val updated: Instant? = null)

/** The room this worker looks after: its `room` param. */
private fun ConsumerContext.room(): String =
    params["room"] as? String ?: error("worker '$workerName' was spawned without a 'room' param")

private suspend fun ConsumerContext.publishSummary(room: String, state: RoomState, qos: Int) {
    publish(summaryTopic(room), summaryJson(room, state), qos = qos, retain = true)
}

/** Where a room's summary is published (retained). */
fun summaryTopic(room: String): String = "house/rooms/$room/summary"

/** The summary's JSON text. */
fun summaryJson(room: String, state: RoomState): String = buildJsonObject {
    put("room", JsonPrimitive(room))
    put("temperature", state.temperature?.let(::JsonPrimitive) ?: JsonNull)
    put("occupied", state.occupied?.let(::JsonPrimitive) ?: JsonNull)
    put("updated", state.updated?.let { JsonPrimitive(it.toString()) } ?: JsonNull)
}.toString()

/** `1`/`true`/`occupied`/`yes` → true, `0`/`false`/`empty`/`no` → false, else null. */
fun parseOccupancy(payload: String): Boolean? = when (payload.trim().lowercase()) {
    "1", "true", "occupied", "yes" -> true
    "0", "false", "empty", "no" -> false
    else -> null
}

private const val MAX_SHOWN = 100
