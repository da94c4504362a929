package dev.mqttflow.consumer

import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Message
import dev.mqttflow.worker.RetryPolicy
import dev.mqttflow.worker.WorkerFailure

/**
 * A consumer: the three handlers mqttasgi calls `connect`, `receive` and `disconnect`.
 *
 * A consumer is a description; the runtime runs each instance of it as a *worker* with its own
 * [ConsumerContext]. The same consumer may run as several workers (one per room, say), so keep
 * per-instance state in the context's [ConsumerContext.params] or in locals of the handlers,
 * not in fields shared by all instances.
 *
 * Kotlin users build one with `mqttConsumer(name) { … }` from the `dsl` module; implementing
 * this interface directly is the DSL-free way.
 */
public interface Consumer {
    /** A name for logs and errors; unique names make logs readable. */
    public val name: String

    /** The worker has started and the broker connection is up: subscribe here. */
    public suspend fun onConnect(context: ConsumerContext) {}

    /**
     * How a QoS 1/2 message whose [onMessage] threw is retried and dead-lettered; null (the default)
     * takes the runtime's [dev.mqttflow.config.MqttFlowConfig.onFailure]. Java: override `getOnFailure()`.
     */
    public val onFailure: RetryPolicy? get() = null

    /** A message matched one of this worker's subscriptions. It is acknowledged after this returns. */
    public suspend fun onMessage(context: ConsumerContext, message: Message) {}

    /** The worker is stopping: last publishes and unsubscribes go here. */
    public suspend fun onDisconnect(context: ConsumerContext) {}

    /**
     * A channel-layer message reached this worker's channel. Return true if its type was handled;
     * false makes the runtime log the unknown type (once per type).
     */
    public suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean = false

    /** A worker this one spawned failed (already logged); [failure] says what became of it. */
    public suspend fun onWorkerFailure(context: ConsumerContext, failure: WorkerFailure) {}
}
