package dev.mqttflow

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.declaredTables
import dev.mqttflow.internal.Runtime
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Clock

/**
 * Runs consumers against a broker.
 *
 * ```kotlin
 * MqttFlow(MqttFlowConfig(host = "broker.local")).run(lights, energy)
 * ```
 *
 * [run] suspends until its caller is cancelled; then every worker's `onDisconnect` runs, handlers
 * in flight get [MqttFlowConfig.shutdownTimeout] to finish, and the connection closes cleanly.
 * [dispatcher] and [clock] are injected so that tests can run everything in virtual time.
 *
 * [database] is what handlers reach with `transaction { … }`; the tables consumers declare are
 * created there at startup if missing. Left null, a database is opened only when a consumer
 * declares tables: the one `MQTTFLOW_DB_URL` names, else the SQLite file `mqttflow.db`.
 */
public class MqttFlow @JvmOverloads constructor(
    private val config: MqttFlowConfig = MqttFlowConfig(),
    private val dispatcher: CoroutineDispatcher = Dispatchers.Default,
    private val clock: Clock = Clock.System,
    private val failurePolicy: FailurePolicy = FailurePolicy.Continue,
    private val connectionFactory: (MqttFlowConfig) -> BrokerConnection = ::HiveMqConnection,
    private val database: MqttFlowDatabase? = null,
) {
    /** Connects, starts one worker per consumer, and suspends until cancelled. */
    public suspend fun run(vararg consumers: Consumer) {
        run(consumers.toList())
    }

    /**
     * Connects, starts one worker per consumer, and suspends until cancelled. Throws
     * [dev.mqttflow.errors.ConnectionException] when the broker cannot be reached within
     * [MqttFlowConfig.retries] attempts, at the start or after a loss (workers are stopped first).
     */
    public suspend fun run(consumers: List<Consumer>) {
        require(consumers.isNotEmpty()) { "give MqttFlow.run at least one consumer" }
        val tables = declaredTables(consumers)
        val db = database ?: if (tables.isEmpty()) null else MqttFlowDatabase.fromEnvironment()
        try {
            db?.createMissingTables(tables)
            val runtime = Runtime(
                connectionFactory(config),
                config,
                dispatcher,
                clock,
                failurePolicy,
                db ?: EmptyCoroutineContext,
            )
            try {
                runtime.start(consumers)
                throw runtime.fatal.await()
            } finally {
                withContext(NonCancellable) { runtime.stop() }
            }
        } finally {
            if (database == null) db?.close()
        }
    }
}
