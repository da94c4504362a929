package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.ChannelSend
import dev.mqttflow.protocol.GroupSend
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ClosedSendChannelException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import kotlin.coroutines.CoroutineContext
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * One running instance of a [Consumer]: its own supervised scope, its own bounded inbox, one
 * coroutine that handles MQTT messages, layer messages and reports of failed children in order.
 * Children a handler launches (timers) live in the same scope and die with the worker.
 */
internal class Worker(
    val spec: WorkerSpec,
    private val runtime: Runtime,
    baseContext: CoroutineContext,
    inboxCapacity: Int,
) : ConsumerContext {
    val name: String = spec.name
    val consumer: Consumer = spec.consumer
    override val appId: Int = spec.appId
    override val instanceType: String = spec.instanceType
    override val params: Map<String, Any?> = spec.params
    val policy: FailurePolicy = spec.policy ?: FailurePolicy.Continue
    val supervisor: Worker? = spec.supervisor
    val restarts: Int = spec.restarts

    private val log = LoggerFactory.getLogger("mqttflow.worker")
    private val inbox = Channel<Work>(inboxCapacity)
    private val job = SupervisorJob(baseContext[Job])
    private var loop: Job? = null
    private val groups = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()

    @Volatile
    private var stopping = false

    override val coroutineContext: CoroutineContext = baseContext + job + CoroutineName(name) +
        CoroutineExceptionHandler { _, e -> runtime.coroutineFailed(this@Worker, e) }

    override val workerName: String get() = name
    override val clock: Clock get() = runtime.clock
    override val channelName: String = runtime.layer.newChannel("worker")
    override val layer: ChannelLayer = WorkerLayer(this, runtime, groups)

    val isMaster: Boolean get() = instanceType == MASTER

    /** Completed when `onConnect` returned or threw: the router waits for the masters' before routing. */
    val connected = kotlinx.coroutines.CompletableDeferred<Unit>()

    fun start() {
        loop = launch {
            var outcome = try {
                handle("onConnect", null) { consumer.onConnect(this@Worker) }
            } finally {
                connected.complete(Unit)
            }
            if (outcome != null) runtime.supervisor.after(this@Worker, outcome)
            for (work in inbox) {
                if (stopping) break
                outcome = when (work) {
                    is Delivery -> handle("onMessage", work.message.topic) {
                        consumer.onMessage(this@Worker, work.message)
                    }.also { work.done() }

                    is LayerWork -> handle("on(${work.message.type})", null) {
                        if (!consumer.onLayerMessage(
                                this@Worker,
                                work.message,
                            )
                        ) {
                            runtime.unknownType(this@Worker, work.message.type)
                        }
                    }

                    is FailureWork -> handle("onWorkerFailure", null) {
                        consumer.onWorkerFailure(this@Worker, work.failure)
                    }
                }
                if (outcome != null) runtime.supervisor.after(this@Worker, outcome)
            }
        }
        launch(CoroutineName("$name-layer")) { pumpLayer() }
    }

    private suspend fun pumpLayer() {
        while (currentCoroutineContext().isActive) {
            try {
                val message = runtime.layer.receive(channelName)
                inbox.send(LayerWork(message))
            } catch (e: CancellationException) {
                throw e
            } catch (_: ClosedSendChannelException) {
                return
            } catch (e: Exception) {
                log.warn("worker '{}': receiving from the channel layer failed: {}", name, e.message)
                delay(LAYER_RETRY)
            }
        }
    }

    /** Hands [work] to this worker; suspends while the inbox is full. False if it is stopping. */
    suspend fun offer(work: Work): Boolean = try {
        inbox.send(work)
        true
    } catch (_: ClosedSendChannelException) {
        false
    }

    /** Marks the worker as stopping: it handles nothing more after the work in hand. */
    fun markStopping() {
        stopping = true
    }

    /**
     * Stops taking work, lets the handler in flight finish within [timeout], runs `onDisconnect`
     * (bounded by [timeout] as well), leaves its groups and cancels everything the worker launched.
     * Messages still queued are neither handled nor acknowledged (a persistent session gets them again).
     */
    suspend fun stop(timeout: Duration) {
        stopping = true
        inbox.close()
        if (loop == null) connected.complete(Unit)
        val current = loop
        if (current != null && withTimeoutOrNull(timeout) { current.join() } == null) {
            log.warn("worker '{}': handler still running after {}, cancelling it", name, timeout)
            current.cancelAndJoin()
        }
        val left = generateSequence { inbox.tryReceive().getOrNull() }.count()
        if (left > 0) log.info("worker '{}': {} queued message(s) left unhandled", name, left)
        val disconnect = launch { handle("onDisconnect", null) { consumer.onDisconnect(this@Worker) } }
        if (withTimeoutOrNull(timeout) { disconnect.join() } == null) {
            log.warn("worker '{}': onDisconnect still running after {}, cancelling it", name, timeout)
        }
        job.cancelAndJoin()
        leaveLayer()
    }

    private suspend fun leaveLayer() {
        try {
            for (group in groups) runtime.layer.groupDiscard(group, channelName)
            runtime.layer.discard(channelName)
        } catch (e: Exception) {
            log.warn("worker '{}': leaving the channel layer failed: {}", name, e.message)
        }
    }

    private suspend inline fun handle(what: String, topic: String?, block: () -> Unit): FailurePolicy? = try {
        block()
        null
    } catch (e: CancellationException) {
        if (!currentCoroutineContext().isActive) throw e
        runtime.supervisor.failed(this, what, topic, e)
    } catch (e: Exception) {
        runtime.supervisor.failed(this, what, topic, e)
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

    override suspend fun spawnWorker(
        appId: Int,
        consumer: Consumer,
        params: Map<String, Any?>,
        policy: FailurePolicy?,
    ) {
        runtime.perform(this, SpawnWorker(appId, consumer.name, params, consumer), policy)
    }

    override suspend fun killWorker(appId: Int) {
        runtime.perform(this, KillWorker(appId))
    }

    override fun toString(): String = "Worker($name)"

    companion object {
        const val MASTER = "master"
        const val SPAWNED = "worker"
        private val LAYER_RETRY = 1.seconds
    }
}

/** What a worker is: its consumer, identity, parameters, failure policy and lineage. */
internal data class WorkerSpec(
    val consumer: Consumer,
    val appId: Int,
    val instanceType: String,
    val params: Map<String, Any?>,
    val policy: FailurePolicy? = null,
    /** The master that spawned this worker; null for top-level consumers. */
    val supervisor: Worker? = null,
    /** How often this app id was restarted before this instance. */
    val restarts: Int = 0,
    val name: String = if (appId == 0) consumer.name else "${consumer.name}@$appId",
)

/**
 * The layer as a worker sees it: sends go through [Runtime.perform] (so the test kit sees them as
 * actions), and the groups its own channel joins are remembered, to leave them when it stops.
 */
private class WorkerLayer(
    private val worker: Worker,
    private val runtime: Runtime,
    private val groups: MutableSet<String>,
) : ChannelLayer by runtime.layer {
    override suspend fun send(channel: String, message: LayerMessage) {
        runtime.perform(worker, ChannelSend(channel, message))
    }

    override suspend fun groupSend(group: String, message: LayerMessage) {
        runtime.perform(worker, GroupSend(group, message))
    }

    override suspend fun groupAdd(group: String, channel: String) {
        runtime.layer.groupAdd(group, channel)
        if (channel == worker.channelName) groups += group
    }

    override suspend fun groupDiscard(group: String, channel: String) {
        runtime.layer.groupDiscard(group, channel)
        if (channel == worker.channelName) groups -= group
    }

    override fun close() {
        // the runtime's layer is closed by whoever created it, not by a worker
    }
}
