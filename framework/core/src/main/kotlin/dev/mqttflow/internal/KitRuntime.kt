package dev.mqttflow.internal

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.MqttFlowPlugin
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.protocol.Action
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlin.coroutines.CoroutineContext
import kotlin.time.Clock

/**
 * The [Runtime] as the test kit (mqttflow-test) drives it: the real engine, watched through a
 * [KitObserver]. Public only because Kotlin's `internal` stops at the artifact.
 */
@InternalMqttFlowApi
public class KitRuntime(
    connection: BrokerConnection,
    config: MqttFlowConfig,
    dispatcher: CoroutineDispatcher,
    clock: Clock,
    layer: ChannelLayer,
    failurePolicy: FailurePolicy,
    observer: KitObserver,
    context: CoroutineContext,
    plugins: List<MqttFlowPlugin>,
    monitor: FlowMonitor? = null,
) {
    private val runtime = Runtime(
        connection,
        config,
        dispatcher,
        clock,
        layer,
        failurePolicy,
        observer = object : RuntimeObserver {
            override fun actionSent(worker: Worker, action: Action) = observer.actionSent(worker.name, action)

            override fun handlerFailed(worker: Worker, what: String, topic: String?, error: Throwable) =
                observer.handlerFailed(worker.name, what, topic, error)
        },
        monitor = monitor,
        context = context,
        plugins = plugins,
    )

    /** The channel layer the workers use. */
    public val layer: ChannelLayer get() = runtime.layer

    /** The channel of the master worker (app id 0), once it runs. */
    public val masterChannel: String? get() = runtime.workers().firstOrNull { it.appId == 0 }?.channelName

    /** See [Runtime.start]. */
    public suspend fun start(consumers: List<Consumer>, params: Map<String, Any?>) {
        runtime.start(consumers, params)
    }

    /** See [Runtime.stop]. */
    public suspend fun stop() {
        runtime.stop()
    }

    /** Cancels whatever the runtime still runs. */
    public fun cancel() {
        runtime.scope.cancel()
    }
}

/** What [KitRuntime] reports; see [RuntimeObserver]. */
@InternalMqttFlowApi
public interface KitObserver {
    /** Worker [workerName] sent [action]; nothing is performed yet. */
    public fun actionSent(workerName: String, action: Action)

    /** A handler of worker [workerName] threw. */
    public fun handlerFailed(workerName: String, what: String, topic: String?, error: Throwable)
}
