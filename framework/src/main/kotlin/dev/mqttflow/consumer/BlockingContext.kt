package dev.mqttflow.consumer

import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.routing.Topics
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlin.time.toJavaInstant
import kotlin.time.toKotlinDuration

/**
 * What a [BlockingConsumer] method can do. Nothing here blocks or waits for the broker: each call
 * checks its input at once (an invalid topic or QoS throws right there) and queues an action;
 * the runtime performs the queue in order after the method returns. If the method throws, the
 * queue is dropped: a handler either completes with all its actions or sends none.
 */
public class BlockingContext private constructor(private val context: ConsumerContext) {
    private val queued = ArrayList<Action>()

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

    /** Queues a subscription to [filter] at up to [qos]. */
    @JvmOverloads
    public fun subscribe(filter: String, qos: Int = 0) {
        Topics.validateFilter(filter)
        queued += Subscribe(filter, qos)
    }

    /** Queues dropping the subscription to [filter]. */
    public fun unsubscribe(filter: String) {
        queued += Unsubscribe(filter)
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
        queued += Publish(topic, payload, qos, retain, properties)
    }

    /** Queues any [Action]. */
    public fun send(action: Action) {
        queued += action
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
            for (action in blocking.queued) context.send(action)
        }
    }
}

/** A task for [BlockingContext.schedule]. */
public fun interface BlockingTask {
    /** Runs the task; queue actions on [context]. */
    public fun run(context: BlockingContext)
}
