package dev.mqttflow.samples.rooms

import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.ConsumerTestScope
import dev.mqttflow.testing.consumerTest
import dev.mqttflow.worker.FailurePolicy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.maps.shouldNotContainKey
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

private val START = Instant.parse("2026-01-10T08:00:00Z")

private fun summary(room: String, temperature: Double? = null, occupied: Boolean? = null, at: Instant? = null) =
    summaryJson(room, RoomState(temperature, occupied, at))

/** Connects the house and takes its two subscriptions. */
private suspend fun ConsumerTestScope.connectHouse() {
    connect() shouldBe Subscribe("house/rooms/+/add", qos = 1)
    nextAction() shouldBe Subscribe("house/rooms/+/remove", qos = 1)
}

/** Takes what a freshly started room worker does: two subscriptions and an empty summary. */
private fun ConsumerTestScope.expectRoomStarted(room: String) {
    nextAction() shouldBe Subscribe("home/$room/temperature", qos = 1)
    nextAction() shouldBe Subscribe("home/$room/occupancy", qos = 1)
    expectPublish(summaryTopic(room), summary(room))
}

class HouseTest :
    FunSpec({
        test("an announced room gets a worker of its own, which keeps the room's state and publishes its summary") {
            consumerTest(house(HouseSettings()), startTime = START) {
                connectHouse()
                expectPublish(ROOMS_TOPIC, "[]")

                publish("house/rooms/hall/add", "", qos = 1)
                nextAction() shouldBe SpawnWorker(1, "room", mapOf("room" to "hall"))
                expectPublish(ROOMS_TOPIC, """["hall"]""")
                expectRoomStarted("hall")
                actionLog.takeLast(3).map { it.worker }.distinct() shouldBe listOf("room@1")

                advanceTimeBy(1.minutes)
                publish("home/hall/temperature", "21.5", qos = 1)
                expectPublish(summaryTopic("hall"), summary("hall", 21.5, at = START + 1.minutes))
                publish("home/hall/occupancy", "occupied", qos = 1)
                expectPublish(summaryTopic("hall"), summary("hall", 21.5, true, START + 1.minutes)).retain shouldBe true
                retained(ROOMS_TOPIC)?.text shouldBe """["hall"]"""
            }
        }

        test("each room's worker sees only its own room") {
            consumerTest(house(HouseSettings(initialRooms = listOf("hall", "attic"))), startTime = START) {
                connectHouse()
                nextAction() shouldBe SpawnWorker(1, "room", mapOf("room" to "hall"))
                nextAction() shouldBe SpawnWorker(2, "room", mapOf("room" to "attic"))
                expectPublish(ROOMS_TOPIC, """["attic","hall"]""")
                runCurrent()
                actions.drop(5).filterIsInstance<Subscribe>().map { it.filter }.toSet() shouldBe setOf(
                    "home/hall/temperature",
                    "home/hall/occupancy",
                    "home/attic/temperature",
                    "home/attic/occupancy",
                )
                actions.size.let { before ->
                    publish("home/attic/temperature", "12", qos = 1)
                    actions.drop(before) shouldBe listOf(
                        Publish(summaryTopic("attic"), summary("attic", 12.0, at = START), qos = 1, retain = true),
                    )
                    actionLog.last().worker shouldBe "room@2"
                }
            }
        }

        test("removing a room kills its worker, which releases its subscriptions and clears its summary") {
            consumerTest(house(HouseSettings(initialRooms = listOf("hall"))), startTime = START) {
                connectHouse()
                publish("home/hall/temperature", "20", qos = 1)
                retained(summaryTopic("hall"))?.text shouldBe summary("hall", 20.0, at = START)
                subscriptions.keys shouldBe setOf(
                    "house/rooms/+/add",
                    "house/rooms/+/remove",
                    "home/hall/temperature",
                    "home/hall/occupancy",
                )
                val before = actions.size
                publish("house/rooms/hall/remove", "", qos = 1)
                runCurrent()
                actions.drop(before) shouldBe listOf(
                    KillWorker(1),
                    Publish(summaryTopic("hall"), ByteArray(0), qos = 1, retain = true),
                    Publish(ROOMS_TOPIC, "[]", qos = 1, retain = true),
                )
                subscriptions.keys shouldBe setOf("house/rooms/+/add", "house/rooms/+/remove")
                retained(summaryTopic("hall")) shouldBe null
                publish("home/hall/temperature", "25", qos = 1)
                actions.size shouldBe before + 3
                database.transaction { HouseRooms.selectAll().count() } shouldBe 0L
            }
        }

        test("a failing room worker is restarted after the backoff, in virtual time, and the house alerts") {
            val settings = HouseSettings(initialRooms = listOf("hall"), restart = FailurePolicy.Restart(3, 10.seconds))
            consumerTest(house(settings), startTime = START) {
                connectHouse()
                nextAction() shouldBe SpawnWorker(1, "room", mapOf("room" to "hall"))
                expectPublish(ROOMS_TOPIC)
                expectRoomStarted("hall")
                publish("home/hall/temperature", "20", qos = 1)
                expectPublish(summaryTopic("hall"))

                publish("home/hall/temperature", "hot", qos = 1)
                val alert = expectPublish(ALERT_TOPIC).text
                alert shouldContain
                    """"room":"hall","worker":"room@1","handler":"onMessage","topic":"home/hall/temperature""""
                alert shouldContain
                    """"error":"home/hall/temperature: 'hot' is not a temperature","outcome":"RESTARTING""""
                subscriptions shouldNotContainKey "home/hall/temperature" // stopped, waiting to restart

                advanceTimeBy(10.seconds - 1.seconds)
                expectNoAction()
                advanceTimeBy(1.seconds)
                expectRoomStarted("hall") // a fresh instance: the old temperature is gone
                actionLog.last().worker shouldBe "room@1"
                publish("home/hall/temperature", "19", qos = 1)
                expectPublish(summaryTopic("hall"), summary("hall", 19.0, at = START + 10.seconds))
            }
        }

        test("a room worker that keeps failing is stopped; adding the room again starts it afresh") {
            val settings = HouseSettings(initialRooms = listOf("hall"), restart = FailurePolicy.Restart(1, 1.seconds))
            consumerTest(house(settings), startTime = START) {
                connectHouse()
                publish("home/hall/occupancy", "maybe", qos = 1)
                advanceTimeBy(1.seconds)
                publish("home/hall/occupancy", "perhaps", qos = 1)
                advanceTimeBy(1.minutes)
                val alerts = actions.filterIsInstance<Publish>().filter { it.topic == ALERT_TOPIC }
                alerts.map { it.text.substringAfter("\"outcome\":") } shouldBe listOf("\"RESTARTING\"}", "\"STOPPED\"}")
                subscriptions.keys shouldBe setOf("house/rooms/+/add", "house/rooms/+/remove")

                val before = actions.size
                publish("house/rooms/hall/add", "", qos = 1)
                runCurrent()
                actions.drop(before).first() shouldBe SpawnWorker(1, "room", mapOf("room" to "hall"))
                subscriptions.keys shouldBe setOf(
                    "house/rooms/+/add",
                    "house/rooms/+/remove",
                    "home/hall/temperature",
                    "home/hall/occupancy",
                )
            }
        }

        test("rooms are stored: the next start spawns them again with the same app ids") {
            val dir = Files.createTempDirectory("house-test")
            val url = "jdbc:sqlite:${dir.resolve("house.db")}"
            try {
                consumerTest(house(HouseSettings()), databaseUrl = url) {
                    connectHouse()
                    publish("house/rooms/hall/add", "", qos = 1)
                    publish("house/rooms/attic/add", "", qos = 1)
                    publish("house/rooms/hall/remove", "", qos = 1)
                    publish("house/rooms/cellar/add", "", qos = 1) // takes the free app id 1
                }
                consumerTest(house(HouseSettings()), databaseUrl = url) {
                    connectHouse()
                    runCurrent()
                    actions.filterIsInstance<SpawnWorker>() shouldContainExactly listOf(
                        SpawnWorker(1, "room", mapOf("room" to "cellar")),
                        SpawnWorker(2, "room", mapOf("room" to "attic")),
                    )
                    retained(ROOMS_TOPIC)?.text shouldBe """["attic","cellar"]"""
                }
            } finally {
                dir.toFile().deleteRecursively()
            }
        }

        test("adding a room twice, removing an unknown room and bad names change nothing") {
            consumerTest(house(HouseSettings(initialRooms = listOf("hall")))) {
                connectHouse()
                runCurrent()
                val before = actions.size
                publish("house/rooms/hall/add", "", qos = 1)
                publish("house/rooms/garage/remove", "", qos = 1)
                publish("house/rooms/${"x".repeat(65)}/add", "", qos = 1)
                runCurrent()
                actions.size shouldBe before
                failures shouldBe emptyList()
            }
        }

        test("occupancy reads 1/0, true/false, occupied/empty, yes/no") {
            listOf("1", "TRUE", " occupied ", "yes").map(::parseOccupancy) shouldBe List(4) { true }
            listOf("0", "false", "empty", "no").map(::parseOccupancy) shouldBe List(4) { false }
            parseOccupancy("maybe") shouldBe null
        }

        test("room names from HOUSE_ROOMS are checked") {
            HouseSettings.fromEnvironment(mapOf("HOUSE_ROOMS" to " hall, attic ,")).initialRooms shouldBe
                listOf("hall", "attic")
            roomNameProblem("a/b") shouldContain "cannot contain"
            roomNameProblem("") shouldContain "needs a name"
        }
    })
