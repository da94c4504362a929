package dev.mqttflow.dsl

import dev.mqttflow.internal.ModalRoute

/**
 * One `onMessage(pattern, qos, mode)` route: its [handler], the QoS it subscribes with when the
 * worker starts (null: it does not subscribe), and how its runs overlap ([mode]).
 */
internal class Route(
    val index: Int,
    val pattern: TopicPattern,
    val handler: MessageHandler,
    val qos: Int?,
    val mode: RouteMode,
) {
    /** The route's mode and key for [message] (its vars set), when it runs outside the worker's loop. */
    fun modal(message: dev.mqttflow.protocol.Message): ModalRoute? = when (val m = mode) {
        RouteMode.Queued -> null
        is RouteMode.Restart -> ModalRoute(index, pattern.pattern, m, m.key(message), m.ackAfterRun)
        is RouteMode.Single -> ModalRoute(index, pattern.pattern, m, m.key(message), m.ackAfterRun)
        is RouteMode.Parallel -> ModalRoute(index, pattern.pattern, m, null, m.ackAfterRun)
    }
}
