package dev.mqttflow.monitoring

/**
 * Hears what a running [dev.mqttflow.MqttFlow] does, for metrics: pass one as
 * `MqttFlow(config, monitor = …)`. `dev.mqttflow.metrics.MicrometerMonitor` records everything
 * into a Micrometer registry; write your own for another metrics library.
 *
 * Every method has an empty default. Calls come from the runtime's threads (the router, the
 * workers' dispatchers, the connection's), often several at once: implementations must be
 * thread-safe and fast, and must not throw or block. Without a monitor the runtime calls nothing
 * and measures nothing (no clock reads, no allocation per message).
 *
 * Consumers are named by [dev.mqttflow.consumer.Consumer.name]: the workers spawned from one
 * consumer share it, so a tag made from it stays small.
 */
public interface FlowMonitor {
    /** Once, when a run starts: the live view of the run, for gauges (inbox depth, workers, …). */
    public fun attached(status: FlowStatus) {}

    /** A message at [qos] was routed to a worker of [consumer] (once per worker it went to). */
    public fun messageReceived(consumer: String, qos: Int) {}

    /** One call of `onMessage` of [consumer] took [nanos]; [failed] when it threw (a retry is another call). */
    public fun handled(consumer: String, nanos: Long, failed: Boolean) {}

    /**
     * A [handler] of [consumer] failed for good (after its retries): `onMessage`, `onConnect`,
     * `onDisconnect`, `on(type)`, `onWorkerFailure`, or `coroutine` for one a handler launched.
     */
    public fun handlerFailed(consumer: String, handler: String) {}

    /** A publish at [qos] was sent; for QoS 1/2 [ackNanos] is the wait for PUBACK/PUBCOMP, else 0. */
    public fun published(qos: Int, ackNanos: Long, failed: Boolean) {}

    /** The connection to the broker was lost; the client reconnects unless [final]. */
    public fun connectionLost(final: Boolean) {}

    /** The connection is back after [disconnectedNanos] without it. */
    public fun reconnected(disconnectedNanos: Long) {}

    /** A message whose handler in [consumer] kept failing was published to its dead-letter topic. */
    public fun deadLettered(consumer: String) {}

    /** A worker of [consumer] sent a channel-layer message: [kind] is `channel` or `group`. */
    public fun layerSent(consumer: String, kind: String) {}

    /** A worker of [consumer] took a channel-layer message from its inbox. */
    public fun layerReceived(consumer: String) {}

    /** A worker of [consumer] started (the first of a consumer is a good moment to register its gauges). */
    public fun workerStarted(consumer: String) {}
}
