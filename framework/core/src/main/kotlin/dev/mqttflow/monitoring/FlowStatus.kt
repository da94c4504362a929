package dev.mqttflow.monitoring

import kotlin.time.Instant

/**
 * The live view of a running [dev.mqttflow.MqttFlow] (`MqttFlow.status`): its [health] at any
 * moment, and a [snapshot] of connection, workers, subscriptions and recent failures for a status
 * page. Reading it costs the run nothing.
 */
public interface FlowStatus {
    /** Live and ready, with the reasons when not; cheap, safe from any thread. */
    public val health: Health

    /** Messages routed to workers and not yet acknowledged (QoS 1/2). */
    public val unacknowledged: Int

    /** Workers running now. */
    public val workersAlive: Int

    /** Messages waiting in the inboxes of [consumer]'s workers (all consumers when null). */
    public fun inboxDepth(consumer: String? = null): Int

    /** Durable timers waiting to fire, over all workers (the keys armed now; see [FlowSnapshot.timers]). */
    public val timersPending: Int

    /** Everything a status page shows, taken at once. */
    public suspend fun snapshot(): FlowSnapshot
}

/**
 * Whether a run is [live] (started and not failed for good: a supervisor should restart it when
 * not) and [ready] (connected to the broker, and every top-level consumer running and past its
 * `onConnect`). [reasons] says, in words, why not; empty when ready.
 */
public data class Health(public val live: Boolean, public val ready: Boolean, public val reasons: List<String>) {
    public companion object {
        /** Before the first run started. */
        public val NOT_STARTED: Health = Health(live = false, ready = false, reasons = listOf("not started"))
    }
}

/** The connection as the runtime sees it. */
public enum class ConnectionState {
    /** The first CONNECT is under way. */
    CONNECTING,

    /** Connected to the broker. */
    CONNECTED,

    /** Lost; the client is reconnecting. */
    DISCONNECTED,

    /** The run stopped, or the connection was lost for good. */
    STOPPED,
}

/** What [FlowStatus.snapshot] returns. */
public data class FlowSnapshot(
    /** `host:port` of the broker (no credentials). */
    public val broker: String,
    public val connection: ConnectionState,
    /** Since when [connection] holds. */
    public val since: Instant,
    public val health: Health,
    public val workers: List<WorkerStatus>,
    public val unacknowledged: Int,
    /** The latest handler failures, newest first (at most [RECENT]). */
    public val recentFailures: List<FailureRecord>,
    /** The latest dead letters, newest first (at most [RECENT]). */
    public val recentDeadLetters: List<DeadLetterRecord>,
    /** Every worker's armed durable timers, one per key, soonest first. */
    public val timers: List<PendingTimer>,
) {
    public companion object {
        /** How many failures and dead letters a snapshot keeps. */
        public const val RECENT: Int = 20
    }
}

/** One worker: its name, its consumer, app id (0 for a top-level consumer), filters with their QoS. */
public data class WorkerStatus(
    public val name: String,
    public val consumer: String,
    public val appId: Int,
    public val subscriptions: Map<String, Int>,
    public val inboxDepth: Int,
    /** What it runs now (`onMessage on 'a/b'`), or null when idle. */
    public val running: String?,
)

/** A handler that failed for good. */
public data class FailureRecord(
    public val at: Instant,
    public val worker: String,
    public val handler: String,
    public val topic: String?,
    /** The exception's class and message. */
    public val error: String,
)

/** A message that went to a dead-letter topic. */
public data class DeadLetterRecord(
    public val at: Instant,
    public val worker: String,
    public val topic: String,
    public val deadLetterTopic: String,
    public val attempts: Int,
)

/** A durable timer armed for [key] on [worker], due at [dueAt] (see `dev.mqttflow.automation.Timer`). */
public data class PendingTimer(
    public val worker: String,
    /** The timer's declared name. */
    public val name: String,
    /** The key it is armed for (a room, say). */
    public val key: String,
    public val dueAt: Instant,
)

/** The status before a run started. */
internal object NotStarted : FlowStatus {
    override val health: Health get() = Health.NOT_STARTED
    override val unacknowledged: Int get() = 0
    override val workersAlive: Int get() = 0
    override val timersPending: Int get() = 0

    override fun inboxDepth(consumer: String?): Int = 0

    override suspend fun snapshot(): FlowSnapshot = FlowSnapshot(
        broker = "",
        connection = ConnectionState.CONNECTING,
        since = kotlin.time.Clock.System.now(),
        health = health,
        workers = emptyList(),
        unacknowledged = 0,
        recentFailures = emptyList(),
        recentDeadLetters = emptyList(),
        timers = emptyList(),
    )
}
