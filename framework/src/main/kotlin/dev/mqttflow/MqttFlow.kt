package dev.mqttflow

import dev.mqttflow.automation.needsDurableStore
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.automationContext
import dev.mqttflow.database.declaredTables
import dev.mqttflow.internal.Runtime
import dev.mqttflow.internal.RuntimeControl
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
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
 * [failurePolicy] is what a worker does after a handler threw (workers spawned with their own
 * policy excepted); [layer] is the channel layer the workers share (in memory by default; pass a
 * [dev.mqttflow.layer.RedisChannelLayer] to talk across processes). The layer is not closed by [run].
 *
 * [database] is what handlers reach with `transaction { … }`; the tables consumers declare are
 * created there at startup if missing. Left null, a database is opened only when a consumer
 * declares tables or durable timers/state: the one `MQTTFLOW_DB_URL` names, else the SQLite file
 * `mqttflow.db`. Durable timers and stored state live in that database (without one: in memory).
 */
public class MqttFlow @JvmOverloads constructor(
    private val config: MqttFlowConfig = MqttFlowConfig(),
    private val dispatcher: CoroutineDispatcher = Dispatchers.Default,
    private val clock: Clock = Clock.System,
    private val failurePolicy: FailurePolicy = FailurePolicy.Continue,
    private val layer: ChannelLayer = InMemoryChannelLayer(clock = clock),
    private val database: MqttFlowDatabase? = null,
    private val connectionFactory: (MqttFlowConfig) -> BrokerConnection = ::HiveMqConnection,
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
        run(consumers, started = null, control = null)
    }

    /**
     * Like [run], and runs [control] beside the consumers once they started: it may start and stop
     * top-level consumers while the flow runs ([consumers] may be empty here). If [control] throws,
     * the flow stops and rethrows it; if it returns, the flow runs on until cancelled.
     */
    public suspend fun run(consumers: List<Consumer>, control: suspend ConsumerControl.() -> Unit) {
        run(consumers, started = null, control = control)
    }

    private suspend fun run(
        consumers: List<Consumer>,
        started: CompletableDeferred<Unit>?,
        control: (suspend ConsumerControl.() -> Unit)?,
    ) {
        val tables = declaredTables(consumers)
        val durable = tables.isNotEmpty() || needsDurableStore(consumers)
        val db = database ?: if (durable) MqttFlowDatabase.fromEnvironment() else null
        try {
            val runtime = Runtime(
                connectionFactory(config),
                config,
                dispatcher,
                clock,
                layer,
                failurePolicy,
                context = db?.let { automationContext(it) } ?: EmptyCoroutineContext,
            )
            try {
                runtime.start(consumers)
                started?.complete(Unit)
                coroutineScope {
                    if (control != null) launch { RuntimeControl(runtime).control() }
                    throw runtime.fatal.await()
                }
            } finally {
                withContext(NonCancellable) { runtime.stop() }
            }
        } finally {
            if (database == null) db?.close()
        }
    }

    /**
     * For Java and other blocking callers: connects and starts the consumers on a background scope,
     * returns once they run (or throws what stopped the connect), and gives a handle whose
     * [RunningFlow.close] stops everything the way cancelling [run] does.
     *
     * ```java
     * try (RunningFlow flow = new MqttFlow(config).start(List.of(new Lights()))) { flow.join(); }
     * ```
     */
    public fun start(consumers: List<Consumer>): RunningFlow {
        val started = CompletableDeferred<Unit>()
        val failed = RunningFlow.Failure()
        val job = CoroutineScope(dispatcher + SupervisorJob() + failed).launch {
            try {
                run(consumers, started, control = null)
            } catch (@Suppress("TooGenericExceptionCaught") e: Throwable) { // relayed to the caller as is
                started.completeExceptionally(e)
                throw e
            }
        }
        runBlocking { started.await() }
        return RunningFlow(job, failed)
    }
}

/** A running [MqttFlow] started with [MqttFlow.start]. */
public class RunningFlow internal constructor(private val job: Job, private val failure: Failure) : AutoCloseable {
    /** Keeps what ended the flow, instead of printing it as uncaught. */
    internal class Failure :
        AbstractCoroutineContextElement(CoroutineExceptionHandler),
        CoroutineExceptionHandler {
        @Volatile
        var error: Throwable? = null

        override fun handleException(context: CoroutineContext, exception: Throwable) {
            error = exception
        }
    }

    /** True until the flow stopped. */
    public val isRunning: Boolean get() = job.isActive

    /**
     * Blocks until the flow stops by itself or is closed; rethrows what stopped it by itself
     * ([dev.mqttflow.errors.ConnectionException] when the broker was lost for good).
     */
    public fun join() {
        runBlocking { job.join() }
        failure.error?.let { throw it }
    }

    /** Stops: every worker's `onDisconnect` runs, handlers in flight finish (bounded), the connection closes. */
    override fun close() {
        runBlocking { job.cancelAndJoin() }
    }
}
