package dev.mqttflow

import dev.mqttflow.client.MqttFlowClient
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.internal.Runtime
import dev.mqttflow.internal.RuntimeControl
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.monitoring.FlowStatus
import dev.mqttflow.monitoring.Health
import dev.mqttflow.monitoring.NotStarted
import dev.mqttflow.protocol.Message
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
 * [plugins] extend the run (see [MqttFlowPlugin]); those on the classpath are used too, unless one
 * of [plugins] has the same class. With mqttflow-exposed on the classpath, a consumer that declares
 * tables gets a database: pass `DatabasePlugin(MqttFlowDatabase.connect(url))` to choose it.
 *
 * [monitor] hears every message, handler, publish and reconnect, for metrics
 * (`dev.mqttflow.metrics.MicrometerMonitor` for a Micrometer registry); null measures nothing.
 * [status] and [health] work with or without one.
 */
public class MqttFlow @JvmOverloads constructor(
    private val config: MqttFlowConfig = MqttFlowConfig(),
    private val dispatcher: CoroutineDispatcher = Dispatchers.Default,
    private val clock: Clock = Clock.System,
    private val failurePolicy: FailurePolicy = FailurePolicy.Continue,
    private val layer: ChannelLayer = InMemoryChannelLayer(clock = clock),
    plugins: List<MqttFlowPlugin> = emptyList(),
    private val connectionFactory: (MqttFlowConfig) -> BrokerConnection = ::HiveMqConnection,
    private val monitor: FlowMonitor? = null,
) {
    public companion object {
        /** A builder for Java callers; see [MqttFlowBuilder]. */
        @JvmStatic
        public fun builder(): MqttFlowBuilder = MqttFlowBuilder()

        /** A connection without consumers: subscribe, collect, publish; see [MqttFlowClient]. */
        public suspend fun client(config: MqttFlowConfig): MqttFlowClient = MqttFlowClient.connect(config)

        /** Connects, publishes one message (acknowledged at QoS 1/2), disconnects; [MqttFlowClient.publishSingle]. */
        public suspend fun publishSingle(
            config: MqttFlowConfig,
            topic: String,
            payload: String,
            qos: Int = 0,
            retain: Boolean = false,
        ): Unit = MqttFlowClient.publishSingle(config, topic, payload, qos, retain)

        /** Connects, subscribes, returns the first [count] messages; [MqttFlowClient.subscribeSimple]. */
        public suspend fun subscribeSimple(
            config: MqttFlowConfig,
            filter: String,
            qos: Int = 0,
            count: Int = 1,
            retained: Boolean = true,
        ): List<Message> = MqttFlowClient.subscribeSimple(config, filter, qos, count, retained)
    }

    @Volatile
    private var current: FlowStatus? = null

    /**
     * The live view of the current run (health, workers, subscriptions, recent failures), or of the
     * last one after it stopped; before the first run, a view whose health says "not started".
     */
    public val status: FlowStatus get() = current ?: NotStarted

    /** Shorthand for `status.health`: what `/health/ready` and `/health/live` answer. */
    public val health: Health get() = status.health
    private val plugins = MqttFlowPlugin.resolve(plugins)

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
        val opened = ArrayList<Pair<MqttFlowPlugin, CoroutineContext>>()
        try {
            for (plugin in plugins) opened += plugin to plugin.open(consumers)
            val runtime = Runtime(
                connectionFactory(config),
                config,
                dispatcher,
                clock,
                layer,
                failurePolicy,
                context = opened.fold(EmptyCoroutineContext as CoroutineContext) { acc, (_, element) -> acc + element },
                plugins = plugins,
                monitor = monitor,
            )
            current = runtime.status
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
            withContext(NonCancellable) { opened.asReversed().forEach { (plugin, context) -> plugin.close(context) } }
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
