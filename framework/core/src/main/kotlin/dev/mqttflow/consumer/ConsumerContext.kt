package dev.mqttflow.consumer

import dev.mqttflow.MqttFlowDsl
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CoroutineScope
import kotlin.time.Clock

/**
 * What a handler can do: the receiver of every `onConnect`, `onMessage` and `onDisconnect` body.
 *
 * It is a [CoroutineScope] tied to the worker: `launch { delay(5.minutes); publish(…) }` starts a
 * timer that the worker owns, cancelled when the worker stops. Time comes from the injected
 * dispatcher and [clock], so tests run it in virtual time.
 *
 * Everything a worker runs — its handlers and every coroutine they launch — runs one piece at a
 * time, on a serial view of the runtime's dispatcher: a handler and a timer it launched never run at
 * the same instant; they interleave only where one of them suspends (`delay`, `publish`, …), as
 * in asyncio and as in the test kit. So state shared by a handler and its timers needs no lock.
 * Blocking calls hold the worker's turn: run them on an IO dispatcher (`withContext(io) { … }`,
 * with `io` injected so that tests can replace it), as the database glue does.
 */
@MqttFlowDsl
public interface ConsumerContext : CoroutineScope {
    /** The worker's name, as in logs. */
    public val workerName: String

    /** The application id: 0 for a top-level consumer (mqttasgi's master), the spawn id for a worker. */
    public val appId: Int

    /** `master` for a top-level consumer, `worker` for a spawned one. */
    public val instanceType: String

    /** Parameters given when the worker was spawned; empty for top-level consumers. */
    public val params: Map<String, Any?>

    /** The injected clock; use it instead of the system clock so tests can move time. */
    public val clock: Clock

    /**
     * Subscribe this worker to [filter] at up to [qos]; returns after the broker granted it.
     * Invalid filters throw [dev.mqttflow.errors.InvalidTopicException] naming the filter. In an
     * instance group the subscription is shared (`$share/{group}/{filter}`: one instance gets each
     * message, no retained ones) unless [shared] is false; routing matches [filter] either way.
     */
    public suspend fun subscribe(filter: String, qos: Int = 0, shared: Boolean = true)

    /** Drop this worker's subscription to [filter]; the broker is told when no other worker holds it. */
    public suspend fun unsubscribe(filter: String)

    /** Publish [payload] to [topic]; with QoS 1/2, returns after the broker acknowledged it. */
    public suspend fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int = 0,
        retain: Boolean = false,
        properties: MessageProperties = MessageProperties.NONE,
    )

    /** Perform any [Action]; the typed methods above are shorthands for it. */
    public suspend fun send(action: Action)

    /** This worker's channel on the [layer]: add it to groups, give it to others to reply to. */
    public val channelName: String

    /** The channel layer shared by every worker of this runtime (and other processes, with Redis). */
    public val layer: ChannelLayer

    /**
     * Start worker [appId] running [consumer] with [params] (master only). [policy] overrides the
     * runtime's failure policy for it. Throws [dev.mqttflow.errors.WorkerException] from a non-master,
     * for an app id in use, or an app id below 1.
     */
    public suspend fun spawnWorker(
        appId: Int,
        consumer: Consumer,
        params: Map<String, Any?> = emptyMap(),
        policy: FailurePolicy? = null,
    )

    /** Stop worker [appId] (master only): its `onDisconnect` runs, its subscriptions are released. */
    public suspend fun killWorker(appId: Int)
}

/** Start worker [appId] running the consumer class or target [consumer] (`com.x.Room`, `com.x.RoomKt#room`). */
public suspend fun ConsumerContext.spawnWorker(appId: Int, consumer: String, params: Map<String, Any?> = emptyMap()) {
    send(SpawnWorker(appId, consumer, params))
}

/** Publish UTF-8 [text]. */
public suspend fun ConsumerContext.publish(
    topic: String,
    text: String,
    qos: Int = 0,
    retain: Boolean = false,
    properties: MessageProperties = MessageProperties.NONE,
) {
    publish(topic, text.encodeToByteArray(), qos, retain, properties)
}

/** Publish a number as its decimal text, the way aiomqtt does. */
public suspend fun ConsumerContext.publish(
    topic: String,
    number: Number,
    qos: Int = 0,
    retain: Boolean = false,
    properties: MessageProperties = MessageProperties.NONE,
) {
    publish(topic, number.toString().encodeToByteArray(), qos, retain, properties)
}
