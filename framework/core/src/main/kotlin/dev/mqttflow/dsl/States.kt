package dev.mqttflow.dsl

import dev.mqttflow.automation.KeyValueStore
import dev.mqttflow.automation.MisfirePolicy
import dev.mqttflow.automation.Timer
import dev.mqttflow.automation.restart
import dev.mqttflow.automation.startOrKeep
import dev.mqttflow.protocol.Message
import kotlinx.serialization.Serializable
import kotlinx.serialization.builtins.serializer
import org.slf4j.Logger
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/**
 * The last value seen on [topic], parsed: a state cache that subscribes for itself (at [qos], when
 * the worker starts) and fills from the retained message. Declared with `state(topic) { parse }`;
 * [value] and [since] are readable from any handler of the consumer.
 *
 * A state belongs to the consumer's description: declare it on a consumer that runs as one worker
 * (a master), not on one spawned many times. A payload [parse] cannot read is logged (the first,
 * then every 100th, with the count) and the last value stays; an empty payload (a deleted retained
 * message) clears the value.
 */
public class State<T : Any> internal constructor(
    public val topic: String,
    public val qos: Int,
    private val parse: (Message) -> T,
) {
    /** The last value, or null before the first message (or after an empty one). */
    @Volatile
    public var value: T? = null
        private set

    /** When [value] last changed — across restarts too: an unchanged value keeps its stored time. */
    @Volatile
    public var since: Instant? = null
        private set

    private var print: String? = null
    private var seen = false

    /** Whether a message filled the state since the worker started (the retained one, usually). */
    internal val filled: Boolean get() = seen
    private var unreadable = 0L

    @Serializable
    internal class Stored(val print: String?, val sinceMs: Long)

    /** Forgets the value at a (re)start, as a new process would; [since] comes back from the store. */
    internal fun reset() {
        value = null
        since = null
        print = null
        seen = false
    }

    /** Takes [message]; false if it could not be parsed. */
    internal suspend fun update(message: Message, now: Instant, log: Logger): Boolean {
        val parsed = try {
            if (message.payload.isEmpty()) null else parse(message)
        } catch (@Suppress("TooGenericExceptionCaught") e: Exception) { // user code: any failure means unreadable
            if (unreadable++ % LOG_EVERY == 0L) {
                log.warn(
                    "state '{}': cannot parse payload '{}' ({}); keeping the last value ({} unreadable so far)",
                    topic,
                    message.text.take(PREVIEW),
                    e.toString(),
                    unreadable,
                )
            }
            return false
        }
        val newPrint = parsed?.toString()
        if (!seen || newPrint != print) {
            val stored = if (!seen) STORE.get(topic, Stored.serializer()) else null
            val kept = stored?.takeIf { it.print == newPrint }
            val start = kept?.let { Instant.fromEpochMilliseconds(it.sinceMs) } ?: now
            if (kept == null) STORE.put(topic, Stored(newPrint, start.toEpochMilliseconds()), Stored.serializer())
            since = start
            print = newPrint
            seen = true
        }
        value = parsed
        return true
    }

    override fun toString(): String = "State($topic = $value since $since)"

    private companion object {
        val STORE = KeyValueStore("mqttflow.states")
        const val LOG_EVERY = 100L
        const val PREVIEW = 80
    }
}

/**
 * An `onHeld` condition: [predicate] over [state]'s value held for [forAtLeast] runs [body], once
 * per holding spell; built on a durable timer named [name], so the time already held counts across
 * restarts. Whether it fired is stored too, so `onReleased` runs after a restart as well.
 *
 * A deadline that passed while the process was down comes due as the worker starts, before the
 * retained message refilled the state: then the firing waits for the state's first value (and
 * decides on it: still holding fires, no longer holding does not), or fires anyway after
 * [FIRST_VALUE_BOUND] when no message comes (the topic has no retained value).
 */
internal class Held<T : Any>(
    val state: State<T>,
    private val predicate: (T) -> Boolean,
    private val forAtLeast: Duration,
    name: String,
    private val body: LifecycleHandler,
) {
    @Volatile
    private var fired = false

    /** The timer came due before the state was filled; its firing waits for the first value. */
    @Volatile
    private var awaitingValue = false

    val timer: Timer<String> = Timer(name, String.serializer(), MisfirePolicy.FireAtOnce) { argument ->
        val now = state.value
        if (now == null && !state.filled && argument != GAVE_UP) {
            awaitingValue = true
            timer.restart(KEY, FIRST_VALUE_BOUND, GAVE_UP)
            return@Timer
        }
        awaitingValue = false
        if (now == null || predicate(now)) {
            fired = true
            FIRED.put(name, true)
            body()
        }
    }

    suspend fun load() {
        fired = FIRED.get<Boolean>(timer.name) == true
    }

    /** After a new value: arms, keeps or disarms the timer; true when a fired condition was released. */
    suspend fun evaluate(): Boolean {
        val value = state.value
        if (value != null && predicate(value)) {
            if (awaitingValue) {
                awaitingValue = false
                timer.restart(KEY, Duration.ZERO) // the overdue firing, now that the value is in
            } else if (!fired) {
                timer.startOrKeep(KEY, forAtLeast)
            }
            return false
        }
        awaitingValue = false
        if (timer.pending(KEY) != null) timer.cancel(KEY)
        if (!fired) return false
        fired = false
        FIRED.remove(timer.name)
        return true
    }

    internal companion object {
        private const val KEY = "held"

        /** The argument of a firing that waited for the state's first value and fires regardless. */
        private const val GAVE_UP = "held-after-start"
        private val FIRED = KeyValueStore("mqttflow.held")

        /** How long an overdue firing waits at start for the state's first value. */
        val FIRST_VALUE_BOUND: Duration = 30.seconds
    }
}
