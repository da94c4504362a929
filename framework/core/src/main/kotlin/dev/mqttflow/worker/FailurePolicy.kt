package dev.mqttflow.worker

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * What a worker does after one of its handlers threw. The failure is always logged first, with
 * the worker's name, the topic and the stack trace, and reported to the master that spawned the
 * worker (`onWorkerFailure`); other workers never notice.
 */
public sealed interface FailurePolicy {
    /** Go on with the next message (the default). The failed message is still acknowledged. */
    public data object Continue : FailurePolicy

    /** Stop the worker: its `onDisconnect` runs and its subscriptions are released. */
    public data object Stop : FailurePolicy

    /**
     * Stop the worker and start it afresh (`onDisconnect`, then `onConnect` of a new instance with the
     * same app id and params) after [backoff], doubling each time, at most [maxRestarts] times; after
     * that, stop it.
     */
    public data class Restart(
        public val maxRestarts: Int = DEFAULT_MAX_RESTARTS,
        public val backoff: Duration = 1.seconds,
    ) : FailurePolicy {
        init {
            require(maxRestarts >= 0) { "maxRestarts must not be negative, not $maxRestarts" }
            require(!backoff.isNegative()) { "backoff must not be negative" }
        }

        private companion object {
            const val DEFAULT_MAX_RESTARTS = 3
        }
    }
}

/** What became of a worker after a failure. */
public enum class FailureOutcome {
    /** It goes on with its next message. */
    CONTINUED,

    /** It is being restarted. */
    RESTARTING,

    /** It was stopped. */
    STOPPED,
}

/**
 * A handler of worker [workerName] (app id [appId]) threw [error] while running [handler]
 * (`onMessage`, `onConnect`, `on(lights.override)`, …) on [topic] if it was a message.
 */
public class WorkerFailure(
    public val appId: Int,
    public val workerName: String,
    public val handler: String,
    public val topic: String?,
    public val error: Throwable,
    public val outcome: FailureOutcome,
) {
    override fun toString(): String = "WorkerFailure(appId=$appId, worker=$workerName, handler=$handler, " +
        "topic=$topic, error=$error, outcome=$outcome)"
}
