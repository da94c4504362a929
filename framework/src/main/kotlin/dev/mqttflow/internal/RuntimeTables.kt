package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.declaredTables
import dev.mqttflow.errors.WorkerException

/** The one place where declared tables are created: before a consumer's first worker starts. */
internal suspend fun Runtime.createTables(consumers: List<Consumer>) {
    val tables = declaredTables(consumers)
    if (tables.isEmpty()) return
    val db = scope.coroutineContext[MqttFlowDatabase]
        ?: throw WorkerException(
            "consumer(s) ${consumers.joinToString {
                "'${it.name}'"
            }} declare tables, but this runtime has no database",
        )
    db.createMissingTables(tables)
}
