package dev.mqttflow.consumer

import dev.mqttflow.automation.BlockingTimer
import dev.mqttflow.automation.BlockingTimerTask
import dev.mqttflow.automation.DeclaresTimers
import dev.mqttflow.automation.MisfirePolicy
import dev.mqttflow.automation.Timer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Message

/**
 * A [Consumer] for Java (or any code that does not want coroutines): override the plain methods.
 *
 * ```java
 * public final class Echo extends BlockingConsumer {
 *     public Echo() { super("echo"); }
 *
 *     @Override public void onConnect(BlockingContext context) {
 *         context.subscribe("echo/in", 1);
 *     }
 *
 *     @Override public void onMessage(BlockingContext context, Message message) {
 *         context.publish("echo/out", message.getText(), 1);
 *     }
 * }
 * ```
 *
 * The methods — and the tasks scheduled through [BlockingContext.schedule] — run one at a time per
 * worker, like any handler: never two at the same instant, so a consumer's own fields need no lock
 * as long as one worker uses them (a consumer spawned as several workers shares its fields between
 * them: keep per-worker state in [BlockingContext.params] or keyed by worker). The
 * [BlockingContext] they get does not block: `subscribe`, `publish` and the rest queue actions,
 * which the runtime performs in order right after the method returns (and not at all if it
 * throws). So blocking code never waits on the broker, and in tests it cannot stall the test
 * scheduler. Timers go through [BlockingContext.schedule], which follows virtual time in tests.
 *
 * Keep long blocking I/O out of these methods or bound it: a worker handles its messages one by
 * one, and the thread is the runtime's dispatcher's.
 *
 * Durable timers (stored, restored after a restart): declare them with [timer] in a field
 * initializer — `private final BlockingTimer off = timer("off", (context, room) -> …);` — and arm
 * them with `off.restart(context, room, Duration.ofMinutes(5))` (see [BlockingTimer]).
 */
public abstract class BlockingConsumer(final override val name: String) :
    Consumer,
    DeclaresTimers {
    private val declared = ArrayList<Timer<*>>()

    /** The durable timers declared with [timer]. */
    final override val timers: List<Timer<*>> get() = declared.toList()

    /** Declares the durable timer [name] (unique in this consumer) running [body]; missed deadlines fire at once. */
    protected fun timer(name: String, body: BlockingTimerTask): BlockingTimer =
        timer(name, MisfirePolicy.FireAtOnce, body)

    /** Declares the durable timer [name] with a [misfire] policy (`MisfirePolicy.skip()`, `fireIfLateBy(…)`). */
    protected fun timer(name: String, misfire: MisfirePolicy, body: BlockingTimerTask): BlockingTimer {
        require(declared.none { it.name == name }) { "consumer '${this.name}' declares timer '$name' twice" }
        return BlockingTimer(name, misfire, body).also { declared += it.timer }
    }

    /** The worker started and the connection is up: subscribe here. */
    public open fun onConnect(context: BlockingContext) {}

    /** A message matched one of this worker's subscriptions. */
    public open fun onMessage(context: BlockingContext, message: Message) {}

    /** The worker is stopping: last publishes and unsubscribes go here. */
    public open fun onDisconnect(context: BlockingContext) {}

    /** A channel-layer message reached this worker; return true if its type was handled. */
    public open fun onLayerMessage(context: BlockingContext, message: LayerMessage): Boolean = false

    final override suspend fun onConnect(context: ConsumerContext) {
        BlockingContext.perform(context) { onConnect(it) }
    }

    final override suspend fun onMessage(context: ConsumerContext, message: Message) {
        BlockingContext.perform(context) { onMessage(it, message) }
    }

    final override suspend fun onDisconnect(context: ConsumerContext) {
        BlockingContext.perform(context) { onDisconnect(it) }
    }

    final override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean {
        var handled = false
        BlockingContext.perform(context) { handled = onLayerMessage(it, message) }
        return handled
    }
}
