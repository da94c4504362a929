package dev.mqttflow.database

import dev.mqttflow.automation.AutomationStore
import dev.mqttflow.automation.StoredTimer
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.jetbrains.exposed.v1.core.SortOrder
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.core.and
import org.jetbrains.exposed.v1.core.eq
import org.jetbrains.exposed.v1.jdbc.SchemaUtils
import org.jetbrains.exposed.v1.jdbc.deleteWhere
import org.jetbrains.exposed.v1.jdbc.selectAll
import org.jetbrains.exposed.v1.jdbc.upsert
import kotlin.coroutines.CoroutineContext
import kotlin.time.Instant

/**
 * The [AutomationStore] in a database: tables `mqttflow_timers` and `mqttflow_values`, created on
 * first use. The runtime uses it whenever it has a database (SQLite `mqttflow.db` by default,
 * `--db-url`), so timers and stored state survive restarts and `--watch` reloads.
 */
public class ExposedAutomationStore(private val database: MqttFlowDatabase) : AutomationStore {
    private val ready = Mutex()

    @Volatile
    private var created = false

    private object Timers : Table("mqttflow_timers") {
        val owner = varchar("owner", NAME)
        val timer = varchar("timer", NAME)
        val key = varchar("timer_key", KEY)
        val deadline = long("deadline_ms")
        val argument = text("argument")
        override val primaryKey = PrimaryKey(owner, timer, key)
    }

    private object Values : Table("mqttflow_values") {
        val owner = varchar("owner", NAME)
        val store = varchar("store", NAME)
        val key = varchar("value_key", KEY)
        val value = text("value")
        override val primaryKey = PrimaryKey(owner, store, key)
    }

    /** The one place these tables are created: before the first read or write. */
    private suspend fun <T> tx(block: suspend org.jetbrains.exposed.v1.jdbc.JdbcTransaction.() -> T): T {
        if (!created) {
            ready.withLock {
                if (!created) {
                    database.transaction { SchemaUtils.create(Timers, Values) }
                    created = true
                }
            }
        }
        return database.transaction(block)
    }

    override suspend fun saveTimer(timer: StoredTimer) {
        tx {
            Timers.upsert {
                it[owner] = timer.owner
                it[this.timer] = timer.timer
                it[key] = timer.key
                it[deadline] = timer.deadline.toEpochMilliseconds()
                it[argument] = timer.argument
            }
        }
    }

    override suspend fun deleteTimer(owner: String, timer: String, key: String) {
        tx { Timers.deleteWhere { (Timers.owner eq owner) and (Timers.timer eq timer) and (Timers.key eq key) } }
    }

    override suspend fun timers(owner: String): List<StoredTimer> = tx {
        Timers.selectAll().where { Timers.owner eq owner }.orderBy(Timers.deadline to SortOrder.ASC).map {
            StoredTimer(
                it[Timers.owner],
                it[Timers.timer],
                it[Timers.key],
                Instant.fromEpochMilliseconds(it[Timers.deadline]),
                it[Timers.argument],
            )
        }
    }

    override suspend fun putValue(owner: String, store: String, key: String, json: String) {
        tx {
            Values.upsert {
                it[Values.owner] = owner
                it[Values.store] = store
                it[Values.key] = key
                it[value] = json
            }
        }
    }

    override suspend fun value(owner: String, store: String, key: String): String? = tx {
        Values.selectAll().where { (Values.owner eq owner) and (Values.store eq store) and (Values.key eq key) }
            .firstOrNull()?.get(Values.value)
    }

    override suspend fun removeValue(owner: String, store: String, key: String) {
        tx { Values.deleteWhere { (Values.owner eq owner) and (Values.store eq store) and (Values.key eq key) } }
    }

    override suspend fun keys(owner: String, store: String): List<String> = tx {
        Values.selectAll().where { (Values.owner eq owner) and (Values.store eq store) }
            .map { it[Values.key] }.sorted()
    }

    override fun toString(): String = "ExposedAutomationStore(${database.displayUrl})"

    private companion object {
        const val NAME = 200
        const val KEY = 500
    }
}

/** What a runtime with [database] carries in its context: the database and the store on it. */
public fun automationContext(database: MqttFlowDatabase): CoroutineContext = database + ExposedAutomationStore(database)
