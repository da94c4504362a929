package dev.mqttflow

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.internal.Runtime
import dev.mqttflow.internal.RuntimeControl
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
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
 */
public class MqttFlow @JvmOverloads constructor(
    private val config: MqttFlowConfig = MqttFlowConfig(),
    private val dispatcher: CoroutineDispatcher = Dispatchers.Default,
    private val clock: Clock = Clock.System,
    private val failurePolicy: FailurePolicy = FailurePolicy.Continue,
    private val layer: ChannelLayer = InMemoryChannelLayer(clock = clock),
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
        val runtime = Runtime(connectionFactory(config), config, dispatcher, clock, layer, failurePolicy)
        try {
            runtime.start(consumers)
            throw runtime.fatal.await()
        } finally {
            withContext(NonCancellable) { runtime.stop() }
        }
    }

    /**
     * Like [run], and runs [control] beside the consumers once they started: it may start and stop
     * top-level consumers while the flow runs ([consumers] may be empty here). If [control] throws,
     * the flow stops and rethrows it; if it returns, the flow runs on until cancelled.
     */
    public suspend fun run(consumers: List<Consumer>, control: suspend ConsumerControl.() -> Unit) {
        val runtime = Runtime(connectionFactory(config), config, dispatcher, clock, layer, failurePolicy)
        try {
            runtime.start(consumers)
            coroutineScope {
                launch { RuntimeControl(runtime).control() }
                throw runtime.fatal.await()
            }
        } finally {
            withContext(NonCancellable) { runtime.stop() }
        }
    }
}
