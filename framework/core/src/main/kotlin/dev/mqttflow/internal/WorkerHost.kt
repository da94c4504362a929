package dev.mqttflow.internal

import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.protocol.Action
import dev.mqttflow.worker.FailurePolicy
import kotlin.time.Clock

/**
 * What a [Worker] needs from the engine that runs it, and nothing more: the [Runtime] implements
 * it. A worker never reaches the router, the table or other workers directly.
 */
internal interface WorkerHost {
    /** Hears about messages, handlers and publishes; null when nothing listens (then nothing is measured). */
    val monitor: dev.mqttflow.monitoring.FlowMonitor?

    /** The injected clock. */
    val clock: Clock

    /** Where the workers' durable timers and stored state live. */
    val automationStore: dev.mqttflow.automation.AutomationStore

    /** The channel layer the workers share. */
    val layer: ChannelLayer

    /** Validates, records and performs an [action] of [worker]; [policy] is for spawns. */
    suspend fun perform(worker: Worker, action: Action, policy: FailurePolicy? = null)

    /**
     * A handler of [worker] threw: logs it, tells the observer and the master, and returns what the
     * worker's policy decides ([decide]). The worker then calls [carryOut] from its own loop.
     */
    fun failed(worker: Worker, handler: String, topic: String?, error: Throwable): FailurePolicy

    /** Carries out a failure [decision] for [worker] (stopping and restarting run outside its loop). */
    fun carryOut(worker: Worker, decision: FailurePolicy)

    /** The runtime's retry policy, for consumers that set none. */
    val retryPolicy: dev.mqttflow.worker.RetryPolicy

    /**
     * Publishes [message], whose handler in [worker] threw [error] [attempts] times, to the
     * dead-letter [topic] (MQTT 5 user properties, or a JSON envelope under 3.1.1). Never throws:
     * a failed dead-letter publish is logged.
     */
    suspend fun deadLetter(
        worker: Worker,
        topic: String,
        message: dev.mqttflow.protocol.Message,
        error: Throwable,
        attempts: Int,
    )

    /** A coroutine a handler of [worker] launched failed; logged, the worker goes on. */
    fun coroutineFailed(worker: Worker, error: Throwable)

    /** [worker] has no handler for layer messages of [type] (logged once per consumer and type). */
    fun unknownType(worker: Worker, type: String)
}
