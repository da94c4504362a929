package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ClosedSendChannelException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import kotlin.coroutines.CoroutineContext
import kotlin.time.Clock
import kotlin.time.Duration

/**
 * One running instance of a [Consumer]: its own supervised scope, its own bounded inbox, one
 * coroutine that handles messages in order. Children a handler launches (timers) live in the same
 * scope and die with the worker.
 */
internal class Worker(
    val name: String,
    val consumer: Consumer,
    override val appId: Int,
    override val instanceType: String,
    override val params: Map<String, Any?>,
    private val runtime: Runtime,
    parent: Job,
    baseContext: CoroutineContext,
    inboxCapacity: Int,
) : ConsumerContext {
    private val log = LoggerFactory.getLogger("mqttflow.worker")
    private val inbox = Channel<Delivery>(inboxCapacity)
    private val job = SupervisorJob(parent)
    private var loop: Job? = null

    @Volatile
    private var stopping = false

    override val coroutineContext: CoroutineContext = baseContext + job + CoroutineName(name) +
        CoroutineExceptionHandler { _, e -> runtime.coroutineFailed(this@Worker, e) }

    override val workerName: String get() = name
    override val clock: Clock get() = runtime.clock

    fun start() {
        loop = launch {
            handle("onConnect", null) { consumer.onConnect(this@Worker) }
            for (delivery in inbox) {
                if (stopping) break
                val outcome = handle("onMessage", delivery.message.topic) {
                    consumer.onMessage(this@Worker, delivery.message)
                }
                delivery.done()
                if (outcome == FailurePolicy.Stop) {
                    stopping = true
                    runtime.stopWorker(this@Worker)
                }
            }
        }
    }

    /** Hands [delivery] to this worker; suspends while the inbox is full. False if it is stopping. */
    suspend fun offer(delivery: Delivery): Boolean = try {
        inbox.send(delivery)
        true
    } catch (_: ClosedSendChannelException) {
        false
    }

    /**
     * Stops taking messages, lets the handler in flight finish within [timeout], runs
     * `onDisconnect` (bounded by [timeout] as well) and cancels everything the worker launched.
     * Messages still queued are neither handled nor acknowledged (a persistent session gets them again).
     */
    suspend fun stop(timeout: Duration) {
        stopping = true
        inbox.close()
        val current = loop
        if (current != null && current != currentCoroutineContext()[Job]) {
            if (withTimeoutOrNull(timeout) { current.join() } == null) {
                log.warn("worker '{}': handler still running after {}, cancelling it", name, timeout)
                current.cancelAndJoin()
            }
        }
        val left = generateSequence { inbox.tryReceive().getOrNull() }.count()
        if (left > 0) log.info("worker '{}': {} queued message(s) left unhandled", name, left)
        val disconnect = launch { handle("onDisconnect", null) { consumer.onDisconnect(this@Worker) } }
        if (withTimeoutOrNull(timeout) { disconnect.join() } == null) {
            log.warn("worker '{}': onDisconnect still running after {}, cancelling it", name, timeout)
        }
        job.cancelAndJoin()
    }

    private suspend inline fun handle(what: String, topic: String?, block: () -> Unit): FailurePolicy? = try {
        block()
        null
    } catch (e: CancellationException) {
        if (!currentCoroutineContext().isActive) throw e
        runtime.handlerFailed(this, what, topic, e)
    } catch (e: Exception) {
        runtime.handlerFailed(this, what, topic, e)
    }

    override suspend fun subscribe(filter: String, qos: Int) {
        runtime.perform(this, Subscribe(filter, qos))
    }

    override suspend fun unsubscribe(filter: String) {
        runtime.perform(this, Unsubscribe(filter))
    }

    override suspend fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int,
        retain: Boolean,
        properties: MessageProperties,
    ) {
        runtime.perform(this, Publish(topic, payload, qos, retain, properties))
    }

    override suspend fun send(action: Action) {
        runtime.perform(this, action)
    }

    override fun toString(): String = "Worker($name)"
}
