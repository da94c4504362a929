package dev.mqttflow.worker

/**
 * What a worker does after one of its handlers threw. The failure is always logged first, with
 * the worker's name, the topic and the stack trace; other workers never notice.
 */
public sealed interface FailurePolicy {
    /** Go on with the next message (the default). The failed message is still acknowledged. */
    public data object Continue : FailurePolicy

    /** Stop the worker: its `onDisconnect` runs and its subscriptions are released. */
    public data object Stop : FailurePolicy
}
