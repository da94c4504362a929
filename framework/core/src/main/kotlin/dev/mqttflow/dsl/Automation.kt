package dev.mqttflow.dsl

import dev.mqttflow.automation.KeyValueStore
import dev.mqttflow.automation.Timer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.internal.timers.ScheduleTrigger
import dev.mqttflow.protocol.Message
import org.slf4j.LoggerFactory

/**
 * What a [ConsumerBuilder] records of durable automation: timers, held states, kv stores. The
 * [DslConsumer] asks it to subscribe the states in `onConnect` and to feed them each message first.
 */
@PublishedApi
internal class Automation(val consumer: String) {
    private val log = LoggerFactory.getLogger("mqttflow.dsl")
    private val declared = ArrayList<Timer<*>>()
    private val states = ArrayList<State<*>>()
    private val held = ArrayList<Held<*>>()
    private val released = HashMap<State<*>, MutableList<LifecycleHandler>>()
    private val stores = LinkedHashSet<String>()

    val timers: List<Timer<*>> get() = declared.toList()
    val storesValues: Boolean get() = stores.isNotEmpty() || states.isNotEmpty()

    @PublishedApi
    internal fun <T> declare(timer: Timer<T>): Timer<T> {
        check(declared.none { it.name == timer.name }) { "consumer '$consumer' declares timer '${timer.name}' twice" }
        declared += timer
        return timer
    }

    fun kv(name: String): KeyValueStore {
        check(stores.add(name)) { "consumer '$consumer' declares kv(\"$name\") twice; keep one and share it" }
        return KeyValueStore(name)
    }

    fun <T : Any> state(state: State<T>): State<T> {
        check(states.none { it.topic == state.topic }) {
            "consumer '$consumer' declares state(\"${state.topic}\") twice"
        }
        states += state
        return state
    }

    fun <T : Any> onHeld(held: Held<T>) {
        check(held.state in states) { "consumer '$consumer': onHeld needs a state(…) declared on the same consumer" }
        declare(held.timer)
        this.held += held
    }

    fun onReleased(state: State<*>, handler: LifecycleHandler) {
        check(state in states) { "consumer '$consumer': onReleased needs a state(…) declared on the same consumer" }
        released.getOrPut(state) { ArrayList() } += handler
    }

    private val starts = ArrayList<LifecycleHandler>()
    private val triggers = ArrayList<ScheduleTrigger>()

    /** The time triggers (`daily { }`, `cron { }` …), in the order declared. */
    val schedules: List<ScheduleTrigger> get() = triggers.toList()

    /** How many triggers described as [what] are declared already (the next one's timer name gets `#n + 1`). */
    fun triggersLike(what: String): Int = triggers.count { it.what == what }

    /** Declares [trigger]'s timer and arms its next run at each worker start. */
    fun schedule(trigger: ScheduleTrigger) {
        declare(trigger.timer)
        triggers += trigger
        onStart { trigger.start(this) }
    }

    /** Runs [handler] at each worker start, after the timers were restored, before the consumer's `onConnect`. */
    fun onStart(handler: LifecycleHandler) {
        starts += handler
    }

    /** Before the consumer's own `onConnect`: loads which held conditions had fired, subscribes the states. */
    suspend fun onConnect(context: ConsumerContext) {
        for (h in held) h.load()
        for (state in states) {
            state.reset()
            // per instance even in a group: shared subscriptions get no retained messages (MQTT 5 §4.8.2)
            context.subscribe(state.topic, state.qos, shared = false)
        }
        for (start in starts) start(context)
    }

    /** Feeds [message] to the state on its topic (if any); true if there was one. */
    suspend fun onMessage(context: ConsumerContext, message: Message): Boolean {
        val state = states.firstOrNull { it.topic == message.topic } ?: return false
        if (!state.update(message, context.clock.now(), log)) return true
        for (h in held) {
            if (h.state === state && h.evaluate()) released[state].orEmpty().forEach { it(context) }
        }
        return true
    }
}
