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
 * when its run **starts** (or at once when it is dropped): acknowledgements go out in arrival order
 * and HiveMQ CE sends nothing more to a client while one is open, so a run that waited minutes
 * holding its message would stall every other message. The run's work after that point is
 * at-most-once: a crash or a full stop during the wait loses it (a throw is still retried and
 * dead-lettered). `ackAfterRun = true` acknowledges when the run ended instead (finished, threw, or
 * was cancelled by a newer one) — at-least-once, at the cost docs/workers.md ("Modes per route")
 * measures. For waits that must survive a restart, use durable timers (`timer(…)`).
 */
public sealed interface RouteMode {
    /** One at a time, in arrival order, in the worker's loop: the default, and what routes without a mode do. */
    public data object Queued : RouteMode

    /**
     * A new message cancels the run still going for the same [key] (null: one run for the whole
     * route) and starts a new one; runs of other keys go on. The cancelled run's message counts as
     * handled.
     */
    public class Restart(public val ackAfterRun: Boolean = false, public val key: (Message) -> Any? = { null }) :
        RouteMode {
        override fun toString(): String = "Restart"
    }

    /**
     * While a run for the same [key] (null: the whole route) is going, new messages are dropped:
     * acknowledged unhandled, with one log line per route when it starts dropping and a count when it
     * runs again.
     */
    public class Single(public val ackAfterRun: Boolean = false, public val key: (Message) -> Any? = { null }) :
        RouteMode {
        override fun toString(): String = "Single"
    }

    /**
     * Up to [max] runs of the route at once (interleaving where they suspend); while [max] are going,
     * new messages are dropped the way [Single] drops them.
     */
    public class Parallel(public val max: Int, public val ackAfterRun: Boolean = false) : RouteMode {
        init {
            require(max >= 1) { "RouteMode.Parallel(max = $max): max must be at least 1" }
        }

        override fun toString(): String = "Parallel($max)"
    }
}
