package dev.mqttflow.dsl

import dev.mqttflow.automation.KeyValueStore
import dev.mqttflow.automation.MisfirePolicy
import dev.mqttflow.automation.Timer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.protocol.Message
import dev.mqttflow.routing.Topics
import kotlinx.serialization.serializer
import kotlin.time.Duration

/**
 * Declares a durable keyed timer named [name] (see [Timer]): its pending deadlines are stored and
 * survive restarts and `--watch` reloads; [body] gets the argument it was armed with.
 *
 * ```kotlin
 * val off = timer("off") { room: String -> publish("home/lights/$room/set", "off") }
 * onMessage("home/{room}/motion") { msg -> off.restart(msg.vars.getValue("room"), after = 5.minutes) }
 * ```
 *
 * [misfire] decides what a deadline missed while the process was down does (default: fire at once).
 */
public inline fun <reified T> ConsumerBuilder.timer(
    name: String,
    misfire: MisfirePolicy = MisfirePolicy.FireAtOnce,
    noinline body: suspend ConsumerContext.(argument: T) -> Unit,
): Timer<T> = timer(Timer(name, serializer<T>(), misfire, body))

/** Declares an already built [timer] on this consumer (for builders of schedules and the like). */
public fun <T> ConsumerBuilder.timer(timer: Timer<T>): Timer<T> = automation.declare(timer)

/**
 * A typed key-value store for this consumer, persisted like its timers (see [KeyValueStore]):
 * `val store = kv("lights"); store.put("presses", 3); store.get<Int>("presses")`.
 */
public fun ConsumerBuilder.kv(name: String): KeyValueStore = automation.kv(name)

/**
 * A state cache of [topic] (see [State]): subscribes for itself at [qos] when the worker starts,
 * fills from the retained message, and holds the last value [parse] made of a payload.
 *
 * ```kotlin
 * val freezer = state("zigbee2mqtt/freezer") { it.json().jsonObject.getValue("temperature").jsonPrimitive.double }
 * ```
 */
public fun <T : Any> ConsumerBuilder.state(topic: String, qos: Int = 1, parse: (Message) -> T): State<T> {
    Topics.validateTopic(topic)
    return automation.state(State(topic, qos, parse))
}

/**
 * Runs [body] once [state]'s value has satisfied [predicate] for [forAtLeast] without a break
 * (once per spell). Built on a durable timer (named [name]; by default from the topic and the
 * order of declaration), so a restart neither loses the pending alert nor restarts the count:
 * the time already held before it counts.
 *
 * ```kotlin
 * onHeld(freezer, { it > -10.0 }, forAtLeast = 10.minutes) { publish("alerts/freezer", "warm", retain = true) }
 * ```
 */
public fun <T : Any> ConsumerBuilder.onHeld(
    state: State<T>,
    predicate: (T) -> Boolean,
    forAtLeast: Duration,
    name: String? = null,
    body: LifecycleHandler,
) {
    require(forAtLeast.isPositive()) { "onHeld(\"${state.topic}\") needs a positive forAtLeast (got $forAtLeast)" }
    val timerName = name ?: "held:${state.topic}#${automation.timers.count { it.name.startsWith("held:") } + 1}"
    automation.onHeld(Held(state, predicate, forAtLeast, timerName, body))
}

/** Runs [body] when a condition of an [onHeld] on [state] that fired stops holding (after a restart too). */
public fun ConsumerBuilder.onReleased(state: State<*>, body: LifecycleHandler) {
    automation.onReleased(state, body)
}
