package dev.mqttflow.internal

import dev.mqttflow.dsl.RouteMode
import dev.mqttflow.protocol.Message

/**
 * A consumer some of whose routes run outside the worker's loop ([RouteMode] other than
 * [RouteMode.Queued]); the DSL's consumer is one. The [Worker] asks it, per message, which route
 * and key a message goes to, and hands those to its [RouteRuns].
 */
internal interface ModalRoutes {
    /** False when every route is [RouteMode.Queued]: the worker then never asks [modalRoute]. */
    val hasModalRoutes: Boolean

    /** The route [message] goes to for a worker with [params], if that route runs outside the loop; else null. */
    fun modalRoute(message: Message, params: Map<String, Any?>): ModalRoute?
}

/**
 * Route number [index] (`pattern` for logs), its [mode], the key of the message at hand, and whether
 * its message is acknowledged when the run ended ([ackAfterRun]) rather than when it started.
 */
internal class ModalRoute(
    val index: Int,
    val pattern: String,
    val mode: RouteMode,
    val key: Any?,
    val ackAfterRun: Boolean,
)
