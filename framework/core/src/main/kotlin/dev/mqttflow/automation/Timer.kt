package dev.mqttflow.automation

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.internal.timers.TimerEngine
import kotlinx.serialization.KSerializer
import kotlin.time.Duration
import kotlin.time.Instant

/**
 * A durable keyed timer, declared by [name] on a consumer: one primitive for delay, cancel,
 * reschedule, debounce and throttle, per key.
 *
 * ```kotlin
 * mqttConsumer("hall") {
 *     val off = timer("off") { room: String -> publish("home/lights/$room/set", "off") }
 *     onMessage("home/{room}/motion") { msg -> off.restart(msg.vars.getValue("room"), after = 5.minutes) }
 * }
 * ```
 *
 * Arming stores (worker, timer, key, deadline, argument as JSON) in the runtime's
 * [AutomationStore] before the call returns. When the deadline comes, the firing goes through the
 * worker's inbox like a message — one at a time with its handlers — and [body] runs with the
 * argument; the row is deleted after the body returned (or threw, which is logged like a handler
 * failure): at-least-once. When a worker starts (a restart, a `--watch` reload), its stored timers
 * are restored before its `onConnect` and first message; a deadline missed while down follows
 * [misfire]. Time is the runtime's injected clock, virtual in the test kit.
 *
 * The methods are called from the handlers (and timer bodies) of the consumer that declares the
 * timer; elsewhere they throw [IllegalStateException]. A consumer running as several workers has
 * separate timers per worker.
 */
public class Timer<T>(
    /** The timer's name, unique within its consumer; stored with each armed key. */
    public val name: String,
    /** Encodes the argument into the store and back. */
    public val serializer: KSerializer<T>,
    /** What a deadline missed while the process was down does. */
    public val misfire: MisfirePolicy = MisfirePolicy.FireAtOnce,
    /** What runs at the deadline, on the worker that armed it. */
    public val body: suspend ConsumerContext.(argument: T) -> Unit,
) {
    init {
        require(name.isNotBlank()) { "a timer needs a name" }
    }

    /** Arms [key] to fire [after] from now with [argument], replacing a pending deadline of [key]. */
    public suspend fun restart(key: String, after: Duration, argument: T) {
        val engine = TimerEngine.current(this)
        engine.arm(this, key, engine.now() + after, argument)
    }

    /** Arms [key] to fire at [instant] (absolute: schedules), replacing a pending deadline of [key]. */
    public suspend fun at(key: String, instant: Instant, argument: T) {
        TimerEngine.current(this).arm(this, key, instant, argument)
    }

    /**
     * Arms [key] to fire [after] from now, unless it is pending already: then the pending deadline
     * stays (throttle, "at most once per …"). Returns the deadline in force.
     */
    public suspend fun startOrKeep(key: String, after: Duration, argument: T): Instant {
        val engine = TimerEngine.current(this)
        engine.pending(this, key)?.let { return it }
        val deadline = engine.now() + after
        engine.arm(this, key, deadline, argument)
        return deadline
    }

    /** Disarms [key]; returns whether it was pending. */
    public suspend fun cancel(key: String): Boolean = TimerEngine.current(this).cancel(this, key)

    /** The deadline of [key], or null when it is not pending (inside its own body it no longer is). */
    public suspend fun pending(key: String): Instant? = TimerEngine.current(this).pending(this, key)

    /** Every pending key of this timer with its deadline, soonest first. */
    public suspend fun pendingKeys(): Map<String, Instant> = TimerEngine.current(this).pendingKeys(this)

    override fun toString(): String = "Timer($name)"
}

/** [Timer.restart] with the key as the argument: `off.restart(room, after = 5.minutes)`. */
public suspend fun Timer<String>.restart(key: String, after: Duration) {
    restart(key, after, key)
}

/** [Timer.at] with the key as the argument. */
public suspend fun Timer<String>.at(key: String, instant: Instant) {
    at(key, instant, key)
}

/** [Timer.startOrKeep] with the key as the argument. */
public suspend fun Timer<String>.startOrKeep(key: String, after: Duration): Instant = startOrKeep(key, after, key)

/**
 * A consumer with durable timers: the runtime restores their stored deadlines when a worker
 * starts. DSL consumers declare them with `timer(name) { … }`; a hand-written [Consumer]
 * implements this interface.
 */
public interface DeclaresTimers {
    /** The timers this consumer arms; names are unique. */
    public val timers: List<Timer<*>>

    /** Whether it keeps values in the store (`kv(…)`, held states) besides its timers. */
    public val storesValues: Boolean get() = false
}

/** Whether any of [consumers] keeps timers or values that should survive a restart (a database then helps). */
public fun needsDurableStore(consumers: Iterable<Consumer>): Boolean = consumers.any {
    val declares = it as? DeclaresTimers
    declares != null && (declares.timers.isNotEmpty() || declares.storesValues)
}

/** The timers [consumer] declares (none if it does not implement [DeclaresTimers]). */
public fun declaredTimers(consumer: Consumer): List<Timer<*>> = (consumer as? DeclaresTimers)?.timers.orEmpty()
