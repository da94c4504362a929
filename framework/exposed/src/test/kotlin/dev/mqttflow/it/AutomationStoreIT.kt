package dev.mqttflow.it

import dev.mqttflow.automation.StoredTimer
import dev.mqttflow.database.ExposedAutomationStore
import dev.mqttflow.database.MqttFlowDatabase
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.sql.DriverManager
import kotlin.time.Instant

/**
 * [ExposedAutomationStore] on a real PostgreSQL (see [Postgres]): timers and values round-trip, a
 * new process (a new database handle and store) finds what the last one stored, and concurrent
 * writers — two processes creating the tables at once, arms and cancels of one key racing — leave
 * the tables consistent with one row per key.
 */
class AutomationStoreIT :
    FunSpec({
        val postgres = Postgres.start()
        afterSpec { postgres.close() }

        fun open() = MqttFlowDatabase.connect(postgres.url)

        fun timer(key: String, ms: Long, argument: String = "\"$key\"") =
            StoredTimer("lights", "off", key, Instant.fromEpochMilliseconds(ms), argument)

        fun rowCount(table: String, where: String): Int = DriverManager.getConnection(postgres.url).use {
            it.createStatement().executeQuery("SELECT count(*) FROM $table WHERE $where").use { rs ->
                rs.next()
                rs.getInt(1)
            }
        }

        test("two stores that start at once both create the tables and work (two processes' first use)") {
            val dbs = List(2) { open() }
            try {
                coroutineScope {
                    dbs.mapIndexed { i, db ->
                        async(Dispatchers.IO) { ExposedAutomationStore(db).saveTimer(timer("race-$i", 1_000L + i)) }
                    }.awaitAll()
                }
                ExposedAutomationStore(dbs[0]).timers("lights").map { it.key } shouldContainExactly
                    listOf("race-0", "race-1")
            } finally {
                dbs.forEach { it.close() }
            }
        }

        test("timers round-trip: replaced by key, sorted by deadline, deleted; other owners untouched") {
            open().use { db ->
                val store = ExposedAutomationStore(db)
                store.saveTimer(timer("hall", 5_000L, """{"room":"hall","n":1}"""))
                store.saveTimer(timer("kitchen", 2_000L))
                store.saveTimer(timer("hall", 9_000L, """{"room":"hall","n":2}"""))
                store.saveTimer(StoredTimer("room@3", "off", "hall", Instant.fromEpochMilliseconds(1L), "null"))
                store.timers("lights").filter { !it.key.startsWith("race-") } shouldContainExactly listOf(
                    timer("kitchen", 2_000L),
                    timer("hall", 9_000L, """{"room":"hall","n":2}"""),
                )
                store.deleteTimer("lights", "off", "kitchen")
                store.deleteTimer("lights", "off", "nothing-here")
                store.timers("lights").map { it.key } shouldContainExactly listOf("race-0", "race-1", "hall")
                store.timers("room@3") shouldHaveSize 1
            }
        }

        test("values round-trip: JSON kept as written, keys sorted, replaced, removed") {
            open().use { db ->
                val store = ExposedAutomationStore(db)
                store.putValue("lights", "buttons", "b", """{"count":1,"last":"ü ✓"}""")
                store.putValue("lights", "buttons", "a", "3")
                store.putValue("lights", "other", "z", "true")
                store.putValue("lights", "buttons", "a", "4")
                store.value("lights", "buttons", "a") shouldBe "4"
                store.value("lights", "buttons", "b") shouldBe """{"count":1,"last":"ü ✓"}"""
                store.value("lights", "buttons", "missing") shouldBe null
                store.keys("lights", "buttons") shouldContainExactly listOf("a", "b")
                store.removeValue("lights", "buttons", "a")
                store.keys("lights", "buttons") shouldContainExactly listOf("b")
                store.keys("lights", "other") shouldContainExactly listOf("z")
            }
        }

        test("a restart carries over: a new database handle and store read the rows the last one wrote") {
            open().use { db ->
                val store = ExposedAutomationStore(db)
                store.saveTimer(timer("porch", 42_000L))
                store.putValue("lights", "carried", "k", "\"v\"")
            }
            open().use { db ->
                val store = ExposedAutomationStore(db)
                store.timers("lights").single { it.key == "porch" } shouldBe timer("porch", 42_000L)
                store.value("lights", "carried", "k") shouldBe "\"v\""
            }
        }

        test("arms and cancels of one key racing from many coroutines keep at most one row, the last one written") {
            open().use { db ->
                val store = ExposedAutomationStore(db)
                withContext(Dispatchers.IO) {
                    coroutineScope {
                        repeat(RACERS) { i ->
                            launch {
                                store.saveTimer(timer("contested", 10_000L + i))
                                if (i % 3 == 0) store.deleteTimer("lights", "off", "contested")
                            }
                        }
                    }
                }
                rowCount("mqttflow_timers", "timer_key = 'contested'") shouldBe
                    store.timers("lights").count { it.key == "contested" }
                (rowCount("mqttflow_timers", "timer_key = 'contested'") <= 1) shouldBe true
                // Settled by one last arm: exactly one row, with that deadline.
                store.saveTimer(timer("contested", 77_000L))
                store.timers("lights").filter { it.key == "contested" } shouldContainExactly
                    listOf(timer("contested", 77_000L))
                rowCount("mqttflow_timers", "timer_key = 'contested'") shouldBe 1
            }
        }
    })

private const val RACERS = 40
