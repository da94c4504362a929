package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.declaredTables
import kotlinx.coroutines.CoroutineDispatcher
import java.util.UUID

/**
 * The database of a kit test: the one at [url] if given; else, when [consumer] declares tables, a
 * private in-memory SQLite database that vanishes when it is closed; else none. Its JDBC work runs
 * on [dispatcher], the test's, so time inside transactions stays virtual and nothing runs on
 * another thread.
 */
internal fun openKitDatabase(consumer: Consumer, url: String?, dispatcher: CoroutineDispatcher): MqttFlowDatabase? {
    val wanted = url ?: if (declaredTables(listOf(consumer)).isEmpty()) null else privateMemoryUrl()
    return wanted?.let { MqttFlowDatabase.connect(it, dispatcher, option = "consumerTest(databaseUrl)") }
}

/** A shared-cache in-memory SQLite database no other test can name. */
private fun privateMemoryUrl(): String = "jdbc:sqlite:file:mqttflow-test-${UUID.randomUUID()}?mode=memory&cache=shared"
