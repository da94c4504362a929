package dev.mqttflow.dsl

import dev.mqttflow.protocol.Message

/**
 * How an `onMessage(pattern, mode = …)` route runs when messages come faster than its handler
 * finishes. Every mode keeps the worker's one-at-a-time rule: runs of a route interleave with each
 * other and with the worker's other handlers only where they suspend (`delay`, a publish), never at
 * the same instant, so the worker's state needs no lock.
 *
 * ```kotlin
 * onMessage("home/{room}/motion", qos = 1, mode = RouteMode.Restart(key = { it.vars["room"] })) { msg ->
 *     publish("home/lights/${msg.vars["room"]}/set", "on")
 *     delay(5.minutes)            // a newer motion in the same room cancels this run and starts again
 *     publish("home/lights/${msg.vars["room"]}/set", "off")
 * }
 * ```
 *
 * Acknowledgement: a QoS 1/2 message of a [Restart], [Single] or [Parallel] route is acknowledged
 * when its run finished, threw, or was cancelled by a newer one ([Restart]), or at once when it was
 * dropped ([Single], [Parallel]). A run that waits holds its acknowledgement, and the HiveMQ client
 * sends acknowledgements in arrival order: see docs/workers.md ("Modes per route") for what many
 * long waits do to the broker's flow, and use durable timers (`timer(…)`) for waits of minutes.
 */
public sealed interface RouteMode {
    /** One at a time, in arrival order, in the worker's loop: the default and the behaviour of routes without a mode. */
    public data object Queued : RouteMode

    /**
     * A new message cancels the run still going for the same [key] (null: one run for the whole
     * route) and starts a new one; runs of other keys go on. The cancelled run's message counts as
     * handled (it is acknowledged).
     */
    public class Restart(public val key: (Message) -> Any? = { null }) : RouteMode {
        override fun toString(): String = "Restart"
    }

    /**
     * While a run for the same [key] (null: the whole route) is going, new messages are dropped:
     * acknowledged unhandled, with one log line per route when it starts dropping and a count when it
     * runs again.
     */
    public class Single(public val key: (Message) -> Any? = { null }) : RouteMode {
        override fun toString(): String = "Single"
    }

    /**
     * Up to [max] runs of the route at once (interleaving where they suspend); while [max] are going,
     * new messages are dropped the way [Single] drops them.
     */
    public class Parallel(public val max: Int) : RouteMode {
        init {
            require(max >= 1) { "RouteMode.Parallel(max = $max): max must be at least 1" }
        }

        override fun toString(): String = "Parallel($max)"
    }
}
