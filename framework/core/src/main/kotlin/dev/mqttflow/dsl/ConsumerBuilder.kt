package dev.mqttflow.dsl

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.MqttFlowDsl
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Message
import dev.mqttflow.worker.RetryPolicy
import dev.mqttflow.worker.WorkerFailure
import kotlinx.serialization.serializer
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** A handler with no message: `onConnect` and `onDisconnect` bodies. */
public typealias LifecycleHandler = suspend ConsumerContext.() -> Unit

/** A message handler: `onMessage` bodies. */
public typealias MessageHandler = suspend ConsumerContext.(message: Message) -> Unit

/** A channel-layer handler: `on("type")` bodies. */
public typealias LayerHandler = suspend ConsumerContext.(message: LayerMessage) -> Unit

/** A handler for failures of spawned workers: `onWorkerFailure` bodies. */
public typealias FailureHandler = suspend ConsumerContext.(failure: WorkerFailure) -> Unit

/**
 * Describes a consumer.
 *
 * ```kotlin
 * val lights = mqttConsumer("lights") {
 *     onConnect { subscribe("home/+/motion", qos = 1) }
 *     onMessage("home/{room}/motion") { msg -> publish("home/lights/${msg.vars["room"]}/set", "on") }
 * }
 * ```
 *
 * The block runs once, right away, and only records handlers; the result is an immutable
 * [Consumer] that `MqttFlow.run` or the test kit runs.
 */
public fun mqttConsumer(name: String, block: ConsumerBuilder.() -> Unit): Consumer {
    require(name.isNotBlank()) { "a consumer needs a name" }
    return ConsumerBuilder(name).apply(block).build()
}

/** The receiver of [mqttConsumer]'s block. Non-suspend: it records, it does not run. */
@MqttFlowDsl
public class ConsumerBuilder internal constructor(private val name: String) {
    private var connect: LifecycleHandler? = null
    private var disconnect: LifecycleHandler? = null
    private var fallback: MessageHandler? = null
    private val routes = mutableListOf<Route>()
    private val layerHandlers = LinkedHashMap<String, LayerHandler>()
    private var failure: FailureHandler? = null
    private val extras = mutableListOf<Any>()

    /** Timers, states and stores declared with the builders of AutomationBuilders.kt. */
    @PublishedApi
    internal val automation: Automation = Automation(name)

    /**
     * For modules that extend this DSL (mqttflow-exposed's `tables(…)`): attaches [extra] to the
     * consumer being described, where a [dev.mqttflow.MqttFlowPlugin] finds it
     * ([dev.mqttflow.consumer.HasExtras]).
     */
    @InternalMqttFlowApi
    public fun attach(extra: Any) {
        extras += extra
    }

    /** Runs when the worker starts: subscribe here. */
    public fun onConnect(handler: LifecycleHandler) {
        check(connect == null) { "consumer '$name' has two onConnect blocks; merge them" }
        connect = sited(name, "onConnect", handler)
    }

    /**
     * Handles messages whose topic matches [pattern] (`home/{room}/motion`; see [TopicPattern]).
     * The first pattern that matches wins; `msg.vars` holds its variables.
     *
     * With a [qos] the route subscribes for itself: `onMessage("home/{room}/motion", qos = 1) { … }`
     * subscribes `home/+/motion` when the worker starts (before [onConnect] runs; restored after a
     * reconnect like every subscription), so the topic is written once. In a spawned worker a
     * variable named like one of its params is fixed to the param's value: with `room = "hall"`
     * the same route subscribes and matches `home/hall/motion` only. Without [qos] the pattern
     * does not subscribe: subscribe to a covering filter in [onConnect].
     *
     * [mode] says how runs of this route overlap ([RouteMode.Queued], the default: one at a time in
     * the worker's loop; [RouteMode.Restart], [RouteMode.Single], [RouteMode.Parallel]).
     */
    public fun onMessage(
        pattern: String,
        qos: Int? = null,
        mode: RouteMode = RouteMode.Queued,
        handler: MessageHandler,
    ) {
        require(qos == null || qos in 0..2) {
            "consumer '$name': onMessage(\"$pattern\", qos = $qos): qos is 0, 1 or 2"
        }
        val site = sited(name, "onMessage(\"$pattern\")", handler)
        routes += Route(routes.size, TopicPattern(pattern), site, qos, mode)
    }

    /** Handles every message that no [onMessage] pattern matched. */
    public fun onMessage(handler: MessageHandler) {
        check(fallback == null) { "consumer '$name' has two catch-all onMessage blocks; merge them" }
        fallback = sited(name, "onMessage", handler)
    }

    /** Runs when the worker stops: last publishes and unsubscribes go here. */
    public fun onDisconnect(handler: LifecycleHandler) {
        check(disconnect == null) { "consumer '$name' has two onDisconnect blocks; merge them" }
        disconnect = sited(name, "onDisconnect", handler)
    }

    /**
     * Handles channel-layer messages of [type] (`lights.override`) sent to this worker's channel or
     * to a group it joined; see [dev.mqttflow.layer.ChannelLayer].
     */
    public fun on(type: String, handler: LayerHandler) {
        require(type.isNotBlank()) { "consumer '$name': on(type) needs a type" }
        val wrapped = sited(name, "on(\"$type\")", handler)
        check(layerHandlers.put(type, wrapped) == null) { "consumer '$name' has two on(\"$type\") blocks; merge them" }
    }

    /**
     * Handles channel-layer messages whose type is the `@SerialName` of [T], decoded as [T]:
     * `on<LightsOverride> { override -> … }`.
     */
    public inline fun <reified T> on(noinline handler: suspend ConsumerContext.(T) -> Unit) {
        val serializer = serializer<T>()
        on(serializer.descriptor.serialName) { message -> handler(message.decode(serializer)) }
    }

    /** Runs when a worker this (master) consumer spawned fails; the failure was already logged. */
    public fun onWorkerFailure(handler: FailureHandler) {
        check(failure == null) { "consumer '$name' has two onWorkerFailure blocks; merge them" }
        failure = sited(name, "onWorkerFailure", handler)
    }

    private var retry: RetryPolicy? = null

    /**
     * Retries a QoS 1/2 message whose handler threw [retry] more times, [backoff] apart (doubling),
     * in place — this consumer's later messages wait meanwhile — then publishes it to [deadLetter]
     * (`{consumer}` becomes this consumer's name; null: none) and acknowledges it. See [RetryPolicy].
     *
     * ```kotlin
     * onFailure(retry = 3, backoff = 1.seconds, deadLetter = "mqttflow/dead/{consumer}")
     * ```
     */
    public fun onFailure(
        retry: Int = 0,
        backoff: Duration = 1.seconds,
        deadLetter: String? = RetryPolicy.DEFAULT_DEAD_LETTER,
    ) {
        check(this.retry == null) { "consumer '$name' has two onFailure settings; keep one" }
        this.retry = RetryPolicy(retry, backoff, deadLetter)
    }

    internal fun build(): Consumer = DslConsumer(
        name,
        connect,
        disconnect,
        routes.toList(),
        fallback,
        LinkedHashMap(layerHandlers),
        failure,
        extras.toList(),
        retry,
        automation,
    )
}

/** Guards a common slip: publishing while describing, outside any handler. */
@Deprecated(
    "publish only inside a handler: onConnect { publish(…) } or onMessage { publish(…) }",
    level = DeprecationLevel.ERROR,
)
@Suppress("UnusedParameter", "UNUSED_PARAMETER")
public fun ConsumerBuilder.publish(topic: String, payload: Any, qos: Int = 0, retain: Boolean = false): Unit =
    error("unreachable")

/** Guards a common slip: subscribing while describing, outside any handler. */
@Deprecated("subscribe inside onConnect { subscribe(…) }", level = DeprecationLevel.ERROR)
@Suppress("UnusedParameter", "UNUSED_PARAMETER")
public fun ConsumerBuilder.subscribe(filter: String, qos: Int = 0): Unit = error("unreachable")
