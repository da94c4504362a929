package dev.mqttflow.internal

import dev.mqttflow.protocol.Action

/**
 * Watches a [Runtime] from the side: the test kit records through it what workers send and which
 * handlers threw. Production runs with [None]. Calls come from the worker's own coroutine, before
 * the runtime performs the action, so the order is the order in which the worker sent them.
 */
internal interface RuntimeObserver {
    /** [worker] sent [action]; topics and filters are validated, nothing is performed yet. */
    fun actionSent(worker: Worker, action: Action) {}

    /** A handler of [worker] (`onConnect`, `onMessage`, `onDisconnect`, or a coroutine it launched) threw. */
    fun handlerFailed(worker: Worker, what: String, topic: String?, error: Throwable) {}

    /** Observes nothing. */
    object None : RuntimeObserver
}
