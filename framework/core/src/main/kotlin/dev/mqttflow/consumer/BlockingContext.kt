package dev.mqttflow.consumer

import dev.mqttflow.errors.InvalidLayerMessageException
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.GroupSend
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.routing.Topics
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.serialization.json.JsonObject
import kotlin.time.toJavaInstant
import kotlin.time.toKotlinDuration

/**
 * What a [BlockingConsumer] method can do. Nothing here blocks or waits for the broker: each call
 * checks its input at once (an invalid topic or QoS throws right there) and queues an action;
 * the runtime performs the queue in order after the method returns. If the method throws, the
 * queue is dropped: a handler either completes with all its actions or sends none.
 */
public class BlockingContext private constructor(private val context: ConsumerContext) {
    private val queued = ArrayList<suspend (ConsumerContext) -> Unit>()

    /** The worker's name, as in logs. */
    public val workerName: String get() = context.workerName

    /** 0 for a top-level consumer, the spawn id for a spawned worker. */
    public val appId: Int get() = context.appId

    /** `master` or `worker`. */
    public val instanceType: String get() = context.instanceType

    /** The parameters the worker was started with. */
    public val params: Map<String, Any?> get() = context.params

    /** The time by the injected clock (virtual in tests); use it instead of `Instant.now()`. */
    public fun now(): java.time.Instant = context.clock.now().toJavaInstant()

    /**
     * Queues a subscription to [filter] at up to [qos]; in an instance group it is shared unless
     * [shared] is false (see [Subscribe]).
     */
    @JvmOverloads
    public fun subscribe(filter: String, qos: Int = 0, shared: Boolean = true) {
        Topics.validateFilter(filter)
        send(Subscribe(filter, qos, shared))
    }

    /** Queues dropping the subscription to [filter]. */
    public fun unsubscribe(filter: String) {
        send(Unsubscribe(filter))
    }

    /** Queues a publish of UTF-8 [payload] to [topic]. */
    @JvmOverloads
    public fun publish(topic: String, payload: String, qos: Int = 0, retain: Boolean = false) {
        publish(topic, payload.encodeToByteArray(), qos, retain)
    }

    /** Queues a publish of [payload] to [topic]. */
    @JvmOverloads
    public fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int = 0,
        retain: Boolean = false,
        properties: MessageProperties = MessageProperties.NONE,
    ) {
        Topics.validateTopic(topic)
        send(Publish(topic, payload, qos, retain, properties))
    }

    /** Queues any [Action] (layer sends too: `send(new GroupSend("lights", message))`). */
    public fun send(action: Action) {
        queued += { it.send(action) }
    }

    /**
     * Queues starting worker [appId] running [consumer] with [params] (master only); [policy], if
     * given, overrides the runtime's failure policy for it, e.g. `new FailurePolicy.Restart(5,
     * Duration.ofSeconds(2))`. A non-master, an app id in use or below 1 fail the handler.
     */
    @JvmOverloads
    public fun spawnWorker(
        appId: Int,
        consumer: Consumer,
        params: Map<String, Any?> = emptyMap(),
        policy: FailurePolicy? = null,
    ) {
        queued += { it.spawnWorker(appId, consumer, params, policy) }
    }

    /** Queues stopping worker [appId] (master only): its `onDisconnect` runs. */
    public fun killWorker(appId: Int) {
        queued += { it.killWorker(appId) }
    }

    /** This worker's channel on the channel layer. */
    public val channelName: String get() = context.channelName

    /** Queues joining [group] with this worker's channel; it leaves its groups when it stops. */
    public fun groupAdd(group: String) {
        ChannelLayer.requireValidName(group, "group")
        queued += { it.layer.groupAdd(group, it.channelName) }
    }

    /** Queues leaving [group]. */
    public fun groupDiscard(group: String) {
        queued += { it.layer.groupDiscard(group, it.channelName) }
    }

    /** Queues sending a layer message of [type] with the JSON object [bodyJson] to every channel of [group]. */
    @JvmOverloads
    public fun groupSend(group: String, type: String, bodyJson: String = "{}") {
        val body = try {
            LayerMessage.JSON.parseToJsonElement(bodyJson) as? JsonObject
        } catch (e: IllegalArgumentException) {
            throw InvalidLayerMessageException("the body of a '$type' message is not JSON: ${e.message}", e)
        } ?: throw InvalidLayerMessageException("the body of a '$type' message must be a JSON object: $bodyJson")
        send(GroupSend(group, LayerMessage(type, JsonObject(body - "type"))))
    }

    /**
     * Runs [task] once after [after] (virtual time in tests), with a fresh context whose actions
     * are performed when it returns. The worker owns the timer: it is cancelled when the worker
     * stops. A task that throws is logged like a failed handler.
     */
    public fun schedule(after: java.time.Duration, task: BlockingTask): Scheduled {
        val wait = after.toKotlinDuration()
        val job = context.launch {
            delay(wait)
            perform(context) { task.run(it) }
        }
        return Scheduled { job.cancel() }
    }

    /** Queues [step], performed after the method returns in order with the other actions (durable timers). */
    internal fun queue(step: suspend (ConsumerContext) -> Unit) {
        queued += step
    }

    /** The worker's coroutine context, for reads that cannot wait (a timer's pending deadline). */
    internal val coroutineContext: kotlin.coroutines.CoroutineContext get() = context.coroutineContext

    /** A pending [schedule]d task. */
    public fun interface Scheduled {
        /** Cancels the task if it has not run yet. */
        public fun cancel()
    }

    internal companion object {
        /** Runs [body] with a fresh context, then performs what it queued, in order. */
        suspend fun perform(context: ConsumerContext, body: (BlockingContext) -> Unit) {
            val blocking = BlockingContext(context)
            body(blocking)
            for (step in blocking.queued) step(context)
        }
    }
}

/** A task for [BlockingContext.schedule]. */
public fun interface BlockingTask {
    /** Runs the task; queue actions on [context]. */
    public fun run(context: BlockingContext)
}
