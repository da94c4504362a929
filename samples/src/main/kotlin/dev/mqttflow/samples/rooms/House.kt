package dev.mqttflow.samples.rooms

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.tables
import dev.mqttflow.database.transaction
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.errors.WorkerException
import dev.mqttflow.samples.runSample
import dev.mqttflow.worker.FailureOutcome
import dev.mqttflow.worker.FailurePolicy
import dev.mqttflow.worker.WorkerFailure
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.core.eq
import org.jetbrains.exposed.v1.jdbc.deleteWhere
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration.Companion.seconds

/**
 * Sample 4, multi-room workers (mqttasgi's fourth idea): a master, `house`, runs one worker per
 * room ([roomWorker]).
 *
 * - Publish anything to `house/rooms/{room}/add` to add a room: the house spawns a room worker with
 *   the param `room` and stores the room in [HouseRooms], so it is spawned again at the next start.
 *   Adding a room that is there is a no-op (or restarts its worker if that one gave up).
 * - Publish to `house/rooms/{room}/remove` to remove it: the house kills the worker (its
 *   subscriptions are released), deletes the row and clears the room's retained summary.
 * - The room list is published, retained, to `house/rooms` as a JSON array after every change.
 * - Room workers run with [HouseSettings.restart]: a worker whose handler threw is restarted after a
 *   backoff, up to a limit, then stopped. The house hears of each failure (`onWorkerFailure`) and
 *   publishes an alert to `house/alerts`: `{"room":"hall","worker":"room@1","handler":"onMessage",
 *   "topic":"home/hall/temperature","error":"…","outcome":"RESTARTING"}`.
 */
object HouseRooms : Table("house_rooms") {
    val name = varchar("name", MAX_ROOM_NAME)
    val appId = integer("app_id").uniqueIndex()
    override val primaryKey = PrimaryKey(name)
}

data class HouseSettings(
    /** Rooms to have from the start, added to those stored. */
    val initialRooms: List<String> = emptyList(),
    /** What a room worker does after a handler threw. */
    val restart: FailurePolicy = FailurePolicy.Restart(maxRestarts = 3, backoff = 1.seconds),
    val qos: Int = 1,
) {
    init {
        initialRooms.forEach { room ->
            roomNameProblem(room)?.let { throw IllegalArgumentException("room '$room': $it") }
        }
    }

    companion object {
        /** The initial rooms from `HOUSE_ROOMS` (`hall,kitchen,attic`), if set. */
        fun fromEnvironment(env: Map<String, String> = System.getenv()): HouseSettings = HouseSettings(
            initialRooms = env["HOUSE_ROOMS"].orEmpty().split(',').map {
                it.trim()
            }.filter { it.isNotEmpty() },
        )
    }
}

/** The sample with its rooms from the database and `HOUSE_ROOMS`. */
fun house(): Consumer = house(HouseSettings.fromEnvironment())

fun house(settings: HouseSettings, room: Consumer = roomWorker(settings.qos)): Consumer {
    val rooms = RoomRegistry(settings, room)
    return mqttConsumer("house") {
        tables(HouseRooms)
        onConnect {
            subscribe("house/rooms/+/add", qos = settings.qos)
            subscribe("house/rooms/+/remove", qos = settings.qos)
            rooms.start(this)
        }
        onMessage("house/rooms/{room}/add") { msg -> rooms.add(this, msg.vars.getValue("room")) }
        onMessage("house/rooms/{room}/remove") { msg -> rooms.remove(this, msg.vars.getValue("room")) }
        onWorkerFailure { failure ->
            rooms.failed(failure)
            publish(ALERT_TOPIC, alertJson(rooms.nameOf(failure.appId), failure), qos = settings.qos)
        }
    }
}

/** The house's rooms: name to app id, as in [HouseRooms]; the rooms whose worker gave up. */
private class RoomRegistry(private val settings: HouseSettings, private val worker: Consumer) {
    private val log = LoggerFactory.getLogger("mqttflow.samples.rooms")
    private val appIds = ConcurrentHashMap<String, Int>()
    private val gaveUp = ConcurrentHashMap.newKeySet<String>()

    /** Loads the stored rooms, adds the initial ones, spawns a worker for each, publishes the list. */
    suspend fun start(context: ConsumerContext) {
        appIds.clear()
        gaveUp.clear()
        appIds +=
            context.transaction { HouseRooms.selectAll().associate { it[HouseRooms.name] to it[HouseRooms.appId] } }
        for (room in settings.initialRooms) if (!appIds.containsKey(room)) store(context, room)
        for ((room, appId) in appIds.entries.sortedBy { it.value }) spawn(context, room, appId)
        publishList(context)
    }

    suspend fun add(context: ConsumerContext, room: String) {
        roomNameProblem(room)?.let {
            log.warn("house/rooms/{}/add: {}; not added", room, it)
            return
        }
        val known = appIds[room]
        when {
            known == null -> {
                spawn(context, room, store(context, room))
                publishList(context)
            }

            gaveUp.remove(room) -> {
                log.info("room '{}': its worker had given up; starting it again", room)
                spawn(context, room, known)
            }

            else -> log.info("room '{}' is already there (app id {})", room, known)
        }
    }

    suspend fun remove(context: ConsumerContext, room: String) {
        val appId = appIds.remove(room) ?: run {
            log.warn("house/rooms/{}/remove: no such room", room)
            return
        }
        if (!gaveUp.remove(room)) {
            try {
                context.killWorker(appId)
            } catch (e: WorkerException) {
                log.info("room '{}': its worker had stopped already: {}", room, e.message)
            }
        }
        context.transaction { HouseRooms.deleteWhere { HouseRooms.name eq room } }
        // An empty retained message deletes the retained summary.
        context.publish(summaryTopic(room), ByteArray(0), qos = settings.qos, retain = true)
        publishList(context)
    }

    fun failed(failure: WorkerFailure) {
        if (failure.outcome == FailureOutcome.STOPPED) nameOf(failure.appId)?.let { gaveUp += it }
    }

    fun nameOf(appId: Int): String? = appIds.entries.firstOrNull { it.value == appId }?.key

    /** Stores [room] under the lowest free app id and returns it. */
    private suspend fun store(context: ConsumerContext, room: String): Int {
        val appId = generateSequence(1) { it + 1 }.first { it !in appIds.values }
        context.transaction {
            HouseRooms.insert {
                it[name] = room
                it[HouseRooms.appId] = appId
            }
        }
        appIds[room] = appId
        return appId
    }

    private suspend fun spawn(context: ConsumerContext, room: String, appId: Int) {
        context.spawnWorker(appId, worker, mapOf("room" to room), policy = settings.restart)
    }

    private suspend fun publishList(context: ConsumerContext) {
        val names = JsonArray(appIds.keys.sorted().map(::JsonPrimitive)).toString()
        context.publish(ROOMS_TOPIC, names, qos = settings.qos, retain = true)
    }
}

const val ROOMS_TOPIC = "house/rooms"
const val ALERT_TOPIC = "house/alerts"
private const val MAX_ROOM_NAME = 64

/** Why [room] cannot be a room name, or null. */
fun roomNameProblem(room: String): String? = when {
    room.isBlank() -> "a room needs a name"
    room.length > MAX_ROOM_NAME -> "longer than $MAX_ROOM_NAME characters"
    room.any { it in "/+#" } -> "a room name cannot contain '/', '+' or '#'"
    else -> null
}

/** The alert the house publishes when a room worker failed. */
fun alertJson(room: String?, failure: WorkerFailure): String = buildJsonObject {
    put("room", room?.let(::JsonPrimitive) ?: JsonNull)
    put("worker", JsonPrimitive(failure.workerName))
    put("handler", JsonPrimitive(failure.handler))
    put("topic", failure.topic?.let(::JsonPrimitive) ?: JsonNull)
    put("error", JsonPrimitive(failure.error.message ?: failure.error.javaClass.name))
    put("outcome", JsonPrimitive(failure.outcome.name))
}.toString()

/** Runs the sample: see docs/samples.md. */
fun main() = runSample { listOf(house()) }
