package dev.mqttflow.samples.rooms

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.samples.RawClient
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import dev.mqttflow.worker.FailurePolicy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds

/** The next message on [topic], skipping others (each within the client's ten seconds). */
private suspend fun RawClient.nextOn(topic: String): String {
    while (true) {
        val (t, payload) = next()
        if (t == topic) return payload
    }
}

/** The next message on [topic] that [wanted] accepts, skipping others (each within ten seconds). */
private suspend fun RawClient.nextOn(topic: String, wanted: (String) -> Boolean): String {
    while (true) {
        val payload = nextOn(topic)
        if (wanted(payload)) return payload
    }
}

class HouseIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val dir = Files.createTempDirectory("house-it")
        afterSpec {
            broker.close()
            dir.toFile().deleteRecursively()
        }

        test("rooms come and go as workers, fail and restart, and are spawned again from the database") {
            val settings = HouseSettings(restart = FailurePolicy.Restart(maxRestarts = 2, backoff = 200.milliseconds))
            sqliteIn(dir).use { db ->
                runSampleFlow(broker, db, house(settings)) { raw ->
                    raw.subscribe("house/#")
                    raw.publish("house/rooms/hall/add", "")
                    raw.nextOn(summaryTopic("hall")) shouldBe summary("hall")
                    raw.publish("home/hall/temperature", "21.5")
                    raw.nextOn(summaryTopic("hall")) shouldContain """"temperature":21.5,"occupied":null"""

                    raw.publish("home/hall/temperature", "hot")
                    // The house's alert and the restarted worker's first summary, in whichever order they come.
                    val after = HashMap<String, String>()
                    while (after.size < 2) {
                        val (topic, payload) = raw.next()
                        if (topic == ALERT_TOPIC || topic == summaryTopic("hall")) after[topic] = payload
                    }
                    after.getValue(ALERT_TOPIC) shouldContain """"room":"hall","worker":"room@1""""
                    after.getValue(ALERT_TOPIC) shouldContain """"outcome":"RESTARTING""""
                    after.getValue(summaryTopic("hall")) shouldBe summary("hall") // restarted afresh
                    raw.publish("home/hall/occupancy", "1")
                    raw.nextOn(summaryTopic("hall")) shouldContain """"temperature":null,"occupied":true"""
                }
                db.transaction {
                    HouseRooms.selectAll().map { it[HouseRooms.name] to it[HouseRooms.appId] }
                } shouldContainExactly
                    listOf("hall" to 1)

                // The next start: the stored room gets its worker back without being announced again.
                runSampleFlow(broker, db, house(settings)) { raw ->
                    raw.subscribe(summaryTopic("hall"))
                    raw.subscribe(ROOMS_TOPIC)
                    // The new worker's first summary (retained from run 1 comes first, unless the new one
                    // replaced it already; the broker may also hand it over both retained and live).
                    raw.nextOn(summaryTopic("hall")) { it == summary("hall") }
                    raw.publish("home/hall/temperature", "18")
                    raw.nextOn(summaryTopic("hall")) { it != summary("hall") } shouldContain """"temperature":18.0"""

                    raw.publish("house/rooms/hall/remove", "")
                    raw.nextOn(summaryTopic("hall")) shouldBe "" // the retained summary is cleared
                    raw.nextOn(ROOMS_TOPIC) shouldBe "[]"
                }
                db.transaction { HouseRooms.selectAll().count() } shouldBe 0L
            }
        }
    })

private fun summary(room: String) = summaryJson(room, RoomState())
