package dev.mqttflow

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asCoroutineDispatcher
import java.util.concurrent.Executor
import kotlin.time.Clock

/**
 * Builds an [MqttFlow] from Java, where the constructor's coroutine dispatcher and Kotlin clock
 * are out of reach:
 *
 * ```java
 * MqttFlow flow = MqttFlow.builder()
 *     .config(MqttFlowConfig.builder().host("broker.local").build())
 *     .failurePolicy(new FailurePolicy.Restart(5, Duration.ofSeconds(2)))
 *     .build();
 * try (RunningFlow running = flow.start(List.of(new DoorLeftOpenAlarm()))) { running.join(); }
 * ```
 *
 * Every setting starts at the constructor's default.
 */
public class MqttFlowBuilder internal constructor() {
    private var config = MqttFlowConfig()
    private var failurePolicy: FailurePolicy = FailurePolicy.Continue
    private var layer: ChannelLayer? = null
    private val plugins = mutableListOf<MqttFlowPlugin>()
    private var monitor: FlowMonitor? = null
    private var executor: Executor? = null

    /** The broker connection and runtime settings. */
    public fun config(config: MqttFlowConfig): MqttFlowBuilder = apply { this.config = config }

    /** What a worker does after a handler threw (workers spawned with their own policy excepted). */
    public fun failurePolicy(policy: FailurePolicy): MqttFlowBuilder = apply { failurePolicy = policy }

    /** The channel layer the workers share; in memory by default. Not closed by the flow. */
    public fun layer(layer: ChannelLayer): MqttFlowBuilder = apply { this.layer = layer }

    /**
     * Adds a plugin, e.g. `new DatabasePlugin(MqttFlowDatabase.connect(url))` from mqttflow-exposed for
     * the database handlers reach (not closed by the flow); see [MqttFlowPlugin].
     */
    public fun plugin(plugin: MqttFlowPlugin): MqttFlowBuilder = apply { plugins += plugin }

    /** Hears what the runtime does, for metrics (`MicrometerMonitor` from mqttflow-micrometer). */
    public fun monitor(monitor: FlowMonitor): MqttFlowBuilder = apply { this.monitor = monitor }

    /** Runs handlers on [executor] instead of the shared default pool. */
    public fun executor(executor: Executor): MqttFlowBuilder = apply { this.executor = executor }

    /** The flow; nothing connects until `run` or `start`. */
    public fun build(): MqttFlow = MqttFlow(
        config = config,
        dispatcher = executor?.asCoroutineDispatcher() ?: Dispatchers.Default,
        clock = Clock.System,
        failurePolicy = failurePolicy,
        layer = layer ?: InMemoryChannelLayer(),
        plugins = plugins.toList(),
        monitor = monitor,
    )
}
