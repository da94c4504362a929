package dev.mqttflow.automation

import dev.mqttflow.consumer.BlockingContext
import dev.mqttflow.internal.timers.TimerEngine
import kotlinx.serialization.builtins.serializer
import kotlin.time.toJavaInstant
import kotlin.time.toKotlinDuration
import kotlin.time.toKotlinInstant

/**
 * A durable keyed [Timer] for Java and other blocking code: a `String` argument (plain text, or
 * JSON you encode yourself), a functional-interface body, `java.time` types. Declare it in a
 * [dev.mqttflow.consumer.BlockingConsumer] with `timer(…)`:
 *
 * ```java
 * public final class HallLight extends BlockingConsumer {
 *     private final BlockingTimer off = timer("off", (context, room) ->
 *         context.publish("home/lights/" + room + "/set", "off", 1));
 *
 *     public HallLight() { super("hall-light"); }
 *
 *     @Override public void onMessage(BlockingContext context, Message message) {
 *         String room = message.getTopic().split("/")[1];
 *         off.restart(context, room, Duration.ofMinutes(5));
 *     }
 * }
 * ```
 *
 * Everything [Timer] says holds: stored before the handler's actions are performed, fired through
 * the worker's inbox, restored after a restart or `--watch` reload, [MisfirePolicy] for a deadline
 * missed while down. Like the [BlockingContext]'s other calls, `restart`, `startOrKeep`, `at` and
 * `cancel` are **queued** and performed, in order with publishes, right after the method returns;
 * [pending] reads the deadline in force before them.
 */
public class BlockingTimer internal constructor(name: String, misfire: MisfirePolicy, body: BlockingTimerTask) {
    /** The timer the runtime runs: what [dev.mqttflow.automation.DeclaresTimers.timers] lists. */
    public val timer: Timer<String> = Timer(name, String.serializer(), misfire) { argument ->
        BlockingContext.perform(this) { body.run(it, argument) }
    }

    /** The timer's name. */
    public val name: String get() = timer.name

    /** Queues arming [key] to fire [after] from now with [argument], replacing a pending deadline. */
    public fun restart(context: BlockingContext, key: String, after: java.time.Duration, argument: String) {
        val delay = after.toKotlinDuration()
        context.queue { timer.restart(key, delay, argument) }
    }

    /** [restart] with [key] as the argument. */
    public fun restart(context: BlockingContext, key: String, after: java.time.Duration) {
        restart(context, key, after, key)
    }

    /** Queues arming [key] to fire [after] from now unless it is pending (throttle); the body gets [argument]. */
    public fun startOrKeep(context: BlockingContext, key: String, after: java.time.Duration, argument: String) {
        val delay = after.toKotlinDuration()
        context.queue { timer.startOrKeep(key, delay, argument) }
    }

    /** [startOrKeep] with [key] as the argument. */
    public fun startOrKeep(context: BlockingContext, key: String, after: java.time.Duration) {
        startOrKeep(context, key, after, key)
    }

    /** Queues arming [key] to fire at [instant], replacing a pending deadline. */
    public fun at(context: BlockingContext, key: String, instant: java.time.Instant, argument: String) {
        val at = instant.toKotlinInstant()
        context.queue { timer.at(key, at, argument) }
    }

    /** [at] with [key] as the argument. */
    public fun at(context: BlockingContext, key: String, instant: java.time.Instant) {
        at(context, key, instant, key)
    }

    /** Queues disarming [key] (nothing happens if it is not pending). */
    public fun cancel(context: BlockingContext, key: String) {
        context.queue { timer.cancel(key) }
    }

    /** The deadline of [key] in force now (before this method's queued calls), or null. */
    public fun pending(context: BlockingContext, key: String): java.time.Instant? =
        TimerEngine.of(context.coroutineContext, timer).pending(timer, key)?.toJavaInstant()

    override fun toString(): String = "BlockingTimer($name)"
}

/** The body of a [BlockingTimer]: queue actions on [context]; [argument] is what the timer was armed with. */
public fun interface BlockingTimerTask {
    /** Runs at the deadline, on the worker that armed the timer. */
    public fun run(context: BlockingContext, argument: String)
}
