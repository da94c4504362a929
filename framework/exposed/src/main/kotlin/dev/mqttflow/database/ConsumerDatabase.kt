package dev.mqttflow.database

import dev.mqttflow.consumer.ConsumerContext
import org.jetbrains.exposed.v1.jdbc.JdbcTransaction

/**
 * The database this worker runs with; throws [IllegalStateException] saying how to configure one
 * when there is none.
 */
public val ConsumerContext.database: MqttFlowDatabase
    get() = coroutineContext[MqttFlowDatabase] ?: error(
        "worker '$workerName' has no database: declare its tables with tables(…) in mqttConsumer, " +
            "or pass MqttFlow(plugins = listOf(DatabasePlugin(MqttFlowDatabase.connect(url)))), " +
            "or give the command line a database URL",
    )

/**
 * Runs [block] in a database transaction on the database's IO dispatcher; see
 * [MqttFlowDatabase.transaction].
 *
 * ```kotlin
 * onMessage("home/{room}/motion") { msg ->
 *     transaction { MotionEvents.insert { it[room] = msg.vars.getValue("room") } }
 * }
 * ```
 */
public suspend fun <T> ConsumerContext.transaction(block: suspend JdbcTransaction.() -> T): T =
    database.transaction(block)
