package dev.mqttflow.database

import dev.mqttflow.MqttFlowPlugin
import dev.mqttflow.automation.needsDurableStore
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.errors.WorkerException
import dev.mqttflow.internal.KitAwarePlugin
import dev.mqttflow.internal.KitPluginSettings
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext

/**
 * Gives a run of [dev.mqttflow.MqttFlow] its database: every worker's context holds it (where
 * `transaction { … }` finds it), and the tables a consumer declares are created there, if missing,
 * before its first worker starts. Durable timers and stored state live there too
 * ([ExposedAutomationStore]).
 *
 * Found on the classpath with no [database] (mqttflow-exposed registers it): a database is then
 * opened only when a consumer declares tables, durable timers or stored state — the one
 * `MQTTFLOW_DB_URL` names, else the SQLite file `mqttflow.db` — and closed when the run ends.
 * Pass `DatabasePlugin(db)` to choose one; the run does not close a database it was given.
 *
 * In a test of the test kit (mqttflow-test), found the same way, it gives the test its database
 * ([forKit]): the URL the test names, else a private in-memory SQLite database when the consumer
 * declares tables, its JDBC work on the test's dispatcher.
 */
public class DatabasePlugin @JvmOverloads constructor(private val database: MqttFlowDatabase? = null) :
    KitAwarePlugin {
    override val providesDatabase: Boolean get() = true

    override fun forKit(consumers: List<Consumer>, settings: KitPluginSettings): MqttFlowPlugin? {
        val url = settings.databaseUrl ?: if (declaredTables(consumers).isEmpty()) return null else privateMemoryUrl()
        val db = MqttFlowDatabase.connect(url, settings.ioDispatcher, option = settings.databaseOption)
        return OwnedDatabase(db)
    }

    override suspend fun open(consumers: List<Consumer>): CoroutineContext {
        val db = database
            ?: if (declaredTables(consumers).isEmpty() && !needsDurableStore(consumers)) {
                return EmptyCoroutineContext
            } else {
                MqttFlowDatabase.fromEnvironment()
            }
        return automationContext(db)
    }

    override suspend fun beforeStart(consumers: List<Consumer>, context: CoroutineContext) {
        val tables = declaredTables(consumers)
        if (tables.isEmpty()) return
        val db = context[MqttFlowDatabase]
            ?: throw WorkerException(
                "consumer(s) ${consumers.joinToString { "'${it.name}'" }} declare tables, but this run has " +
                    "no database: start it with the declaring consumers, or pass DatabasePlugin(database)",
            )
        db.createMissingTables(tables)
    }

    override suspend fun close(context: CoroutineContext) {
        if (database == null) context[MqttFlowDatabase]?.close()
    }
}

/** A test's database: the run's plugin as `DatabasePlugin(db)`, which also closes [db] when the run ends. */
private class OwnedDatabase(private val db: MqttFlowDatabase) : MqttFlowPlugin by DatabasePlugin(db) {
    override suspend fun close(context: CoroutineContext) {
        db.close()
    }
}

/** A shared-cache in-memory SQLite database no other test can name. */
private fun privateMemoryUrl(): String =
    "jdbc:sqlite:file:mqttflow-test-${java.util.UUID.randomUUID()}?mode=memory&cache=shared"
