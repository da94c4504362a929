package dev.mqttflow.automation

import kotlin.time.Duration
import kotlin.time.toKotlinDuration

/**
 * What a durable timer does when its deadline passed while the process was down (found when the
 * worker starts and restores its timers). A deadline that passes while the worker runs is never a
 * misfire: the timer fires then.
 */
public sealed interface MisfirePolicy {
    /** Whether a timer [late] past its deadline at restore still fires. */
    public fun firesWhenLate(late: Duration): Boolean

    /**
     * Fire right away, once, however late (the default): a light left on, a valve left open or an
     * alert not sent is worse than an action that comes late, and the body can still look at the clock.
     */
    public data object FireAtOnce : MisfirePolicy {
        override fun firesWhenLate(late: Duration): Boolean = true
    }

    /** Fire right away if less than [max] late; otherwise drop it (logged). */
    public data class FireIfLateBy(val max: Duration) : MisfirePolicy {
        init {
            require(max.isPositive()) { "FireIfLateBy needs a positive duration (got $max)" }
        }

        override fun firesWhenLate(late: Duration): Boolean = late < max
    }

    /** Drop a missed firing (logged): for actions that only make sense on time. */
    public data object Skip : MisfirePolicy {
        override fun firesWhenLate(late: Duration): Boolean = false
    }

    /** The policies for Java: `MisfirePolicy.skip()`, `MisfirePolicy.fireIfLateBy(Duration.ofMinutes(10))`. */
    public companion object {
        /** [FireAtOnce]. */
        @JvmStatic
        public fun fireAtOnce(): MisfirePolicy = FireAtOnce

        /** [FireIfLateBy] with a `java.time.Duration`. */
        @JvmStatic
        public fun fireIfLateBy(max: java.time.Duration): MisfirePolicy = FireIfLateBy(max.toKotlinDuration())

        /** [Skip]. */
        @JvmStatic
        public fun skip(): MisfirePolicy = Skip
    }
}
