package dev.mqttflow.internal

import dev.mqttflow.automation.declaredTimers
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.internal.timers.TimerEngine
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ClosedSendChannelException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.CoroutineContext
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * One running instance of a [Consumer]: its own supervised scope, its own bounded inbox, one loop
 * that handles MQTT messages, layer messages and reports of failed children in order.
 *
 * **One at a time.** Everything the worker runs — its handlers and every coroutine they launch
 * (timers) — runs on a serial view (`limitedParallelism(1)`) of the runtime's dispatcher, so two
 * pieces of one worker's code never run at the same instant; they interleave only where one
 * suspends. Blocking calls belong on an IO dispatcher (`withContext(io) { … }`).
 *
 * **Deliveries.** The loop owns the [Delivery.Hold] in hand and settles it in one `finally`;
 * [stop] returns the holds still queued to the caller, which settles or carries them (see
 * [Leftovers]). Nothing else acknowledges a message.
 */
internal class Worker(
    val spec: WorkerSpec,
    val host: WorkerHost,
    baseContext: CoroutineContext,
    inboxCapacity: Int,
    carried: List<Work> = emptyList(),
) : ConsumerContext {
    val name: String = spec.name
    val consumer: Consumer = spec.consumer
    override val appId: Int = spec.appId
    override val instanceType: String = spec.instanceType
    override val params: Map<String, Any?> =
        if (spec.params.isEmpty() && spec.instanceType == MASTER) MasterParams(spec.name) else spec.params
    val policy: FailurePolicy = spec.policy ?: FailurePolicy.Continue
    val supervisor: Worker? = spec.supervisor
    val restarts: Int = spec.restarts

    private val log = LoggerFactory.getLogger("mqttflow.worker")
    private val inbox = Channel<Work>(inboxCapacity)
    private val carried = ArrayDeque(carried)
    private val job = SupervisorJob(baseContext[Job])
    private var loop: Job? = null
    private val groups = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()
    private val queued = AtomicInteger()
    private val mdc = WorkerMdc(spec.name, spec.consumer.name)
    private val loopMdc = WorkerMdc(spec.name, spec.consumer.name)

    @Volatile
    private var stopping = false

    /** True once the worker takes no more work (a retry in progress gives up). */
    val isStopping: Boolean get() = stopping

    @Volatile
    private var leftovers = Leftovers.ACK

    /** The handler running now (for the warning when it does not stop), or null. */
    @Volatile
    var running: String? = null

    /** What runs now (`onMessage on 'a/b'`), or null. */
    val runningNow: String? get() = running

    /** Work waiting in the inbox. */
    val inboxDepth: Int get() = queued.get()

    @Volatile
    private var inHand: Delivery.Hold? = null

    private val serial: CoroutineDispatcher =
        (baseContext[ContinuationInterceptor] as? CoroutineDispatcher ?: kotlinx.coroutines.Dispatchers.Default)
            .limitedParallelism(1)

    /** Runs of its Restart/Single/Parallel routes (null when it has none). */
    private val modal: ModalRoutes? = (consumer as? ModalRoutes)?.takeIf { it.hasModalRoutes }
    private val runs by lazy { RouteRuns(this, job, log) }

    /** Its durable timers: restored before `onConnect`, fired through the inbox. */
    private val timers = TimerEngine(name, declaredTimers(consumer), host.automationStore, host.clock, this, ::offer)

    override val coroutineContext: CoroutineContext = baseContext + serial + job + CoroutineName(name) + timers + mdc +
        CoroutineExceptionHandler { _, e -> host.coroutineFailed(this@Worker, e) }

    override val workerName: String get() = name
    override val clock: Clock get() = host.clock
    override val channelName: String = host.layer.newChannel("worker")
    override val layer: ChannelLayer = WorkerLayer(this, host, groups)

    val isMaster: Boolean get() = instanceType == MASTER

    /** Completed when `onConnect` returned or threw: the router waits for the masters' before routing. */
    val connected = CompletableDeferred<Unit>()

    fun start() {
        host.monitor?.workerStarted(consumer.name)
        loop = launch(loopMdc) {
            val outcome = try {
                handle(RESTORE, null) { timers.restore() }
                    ?: handle(ON_CONNECT, null) { consumer.onConnect(this@Worker) }
            } finally {
                connected.complete(Unit)
            }
            if (outcome != null) host.carryOut(this@Worker, outcome)
            while (true) {
                val work = next() ?: break
                process(work)?.let { host.carryOut(this@Worker, it) }
            }
        }
        launch(CoroutineName("$name-layer")) { pumpLayer() }
    }

    /** The next work: carried over from a predecessor first, then the inbox; null once stopping. */
    private suspend fun next(): Work? {
        if (stopping) return null
        val work = carried.removeFirstOrNull()
            ?: inbox.receiveCatching().getOrNull()?.also { queued.decrementAndGet() }
            ?: return null
        if (stopping) {
            carried.addFirst(work) // not started: it goes back with the leftovers
            return null
        }
        return work
    }

    private suspend fun process(work: Work): FailurePolicy? = when (work) {
        is Delivery.Hold -> {
            val route = modal?.modalRoute(work.message, params)
            if (route != null) {
                runs.dispatch(work, route) // a run of its own: the loop goes on
                null
            } else {
                inHand = work
                try {
                    handleDelivery(work, loopMdc)
                } finally {
                    inHand = null
                }
            }
        }

        is LayerWork -> handle("on(${work.message.type})", null) {
            host.monitor?.layerReceived(consumer.name)
            if (!consumer.onLayerMessage(this@Worker, work.message)) host.unknownType(this@Worker, work.message.type)
        }

        is FailureWork -> handle("onWorkerFailure", null) { consumer.onWorkerFailure(this@Worker, work.failure) }

        is TimerWork -> handle("timer '${work.timer}' (key '${work.key}')", null) { timers.fire(work, this@Worker) }
    }

    /** Handles [hold]'s message (the loop's, or a route run's) and settles the hold, whatever happens. */
    suspend fun handleDelivery(hold: Delivery.Hold, mdc: WorkerMdc): FailurePolicy? {
        mdc.enter(hold.message.topic) // for the handler and the lines logged about it
        return try {
            deliver(hold.message)
        } finally {
            mdc.leave()
            settle(hold, cancelled = !currentCoroutineContext().isActive)
        }
    }

    /** The one place where the fate of the delivery in hand is decided. */
    private fun settle(hold: Delivery.Hold, cancelled: Boolean) {
        if (cancelled && leftovers == Leftovers.ABANDON) hold.abandon() else hold.finish()
    }

    private suspend fun pumpLayer() {
        while (currentCoroutineContext().isActive) {
            try {
                val message = host.layer.receive(channelName)
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
    suspend fun offer(work: Work): Boolean {
        queued.incrementAndGet()
        var sent = false
        try {
            inbox.send(work)
            sent = true
        } catch (_: ClosedSendChannelException) {
            // stopping: it takes nothing more
        } finally {
            if (!sent) queued.decrementAndGet()
        }
        return sent
    }

    /** Marks the worker as stopping: it handles nothing more after the work in hand. */
    fun markStopping() {
        stopping = true
    }

    /**
     * Stops taking work; the handler in flight gets [timeout] to finish, then it is cancelled (and
     * abandoned, logged, if it does not respond to cancellation within a short margin: a loop that
     * never suspends cannot be cancelled). `onDisconnect` runs within what is left of [timeout];
     * then the worker leaves its groups and everything it launched is cancelled. Returns the work
     * still queued, in order, for the caller to settle as [mode] says; the delivery in hand was
     * settled here already.
     */
    suspend fun stop(timeout: Duration, mode: Leftovers): List<Work> {
        leftovers = mode
        stopping = true
        inbox.close()
        val started = host.clock.now()
        if (loop == null) connected.complete(Unit)
        val stuck = awaitLoop(timeout)
        inHand?.let { settle(it, cancelled = true) }
        if (modal != null) stopRuns((timeout - (host.clock.now() - started)).coerceAtLeast(Duration.ZERO))
        val rest = ArrayList<Work>()
        if (!stuck) rest += carried
        generateSequence { inbox.tryReceive().getOrNull() }.forEach {
            queued.decrementAndGet()
            rest += it
        }
        if (!stuck) {
            val left = (timeout - (host.clock.now() - started)).coerceAtLeast(MARGIN)
            val disconnect = launch { handle("onDisconnect", null) { consumer.onDisconnect(this@Worker) } }
            if (withTimeoutOrNull(left) { disconnect.join() } == null) {
                log.warn("worker '{}': onDisconnect still running after {}, cancelling it", name, left)
            }
        }
        job.cancel()
        if (withTimeoutOrNull(MARGIN) { job.join() } == null) {
            log.error("worker '{}': something it launched does not respond to cancellation; abandoning it", name)
        }
        leaveLayer()
        return rest
    }

    /** Route runs get what is left of the stop's timeout to finish, then they are cancelled. */
    private suspend fun stopRuns(left: Duration) {
        if (runs.await(left)) return
        log.warn("worker '{}': route runs still going after the shutdown timeout, cancelling them", name)
        if (!runs.cancel(MARGIN)) log.error("worker '{}': a route run ignores cancellation; abandoning it", name)
    }

    /** Waits for the loop to end within [timeout], then cancels it; true if it would not stop. */
    private suspend fun awaitLoop(timeout: Duration): Boolean {
        val current = loop ?: return false
        if (withTimeoutOrNull(timeout) { current.join() } != null) return false
        log.warn("worker '{}': {} still running after {}, cancelling it", name, running ?: "its loop", timeout)
        current.cancel()
        if (withTimeoutOrNull(MARGIN) { current.join() } != null) return false
        log.error(
            "worker '{}': {} does not respond to cancellation: it runs a loop that never suspends (call " +
                "yield() or ensureActive() in it, or use delay); abandoning it, its thread stays busy",
            name,
            running ?: "its loop",
        )
        return true
    }

    private suspend fun leaveLayer() {
        try {
            for (group in groups) host.layer.groupDiscard(group, channelName)
            host.layer.discard(channelName)
        } catch (e: Exception) {
            log.warn("worker '{}': leaving the channel layer failed: {}", name, e.message)
        }
    }

    private suspend inline fun handle(what: String, topic: String?, block: () -> Unit): FailurePolicy? {
        running = if (topic == null) what else "$what on '$topic'"
        return try {
            block()
            null
        } catch (e: CancellationException) {
            if (!currentCoroutineContext().isActive) throw e
            host.failed(this, what, topic, e)
        } catch (e: Exception) {
            host.failed(this, what, topic, e)
        } finally {
            running = null
        }
    }

    override suspend fun subscribe(filter: String, qos: Int, shared: Boolean) {
        host.perform(this, Subscribe(filter, qos, shared))
    }

    override suspend fun unsubscribe(filter: String) {
        host.perform(this, Unsubscribe(filter))
    }

    override suspend fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int,
        retain: Boolean,
        properties: MessageProperties,
    ) {
        host.perform(this, Publish(topic, payload, qos, retain, properties))
    }

    override suspend fun send(action: Action) {
        host.perform(this, action)
    }

    override suspend fun spawnWorker(
        appId: Int,
        consumer: Consumer,
        params: Map<String, Any?>,
        policy: FailurePolicy?,
    ) {
        host.perform(this, SpawnWorker(appId, consumer.name, params, consumer), policy)
    }

    override suspend fun killWorker(appId: Int) {
        host.perform(this, KillWorker(appId))
    }

    override fun toString(): String = "Worker($name)"

    companion object {
        const val MASTER = "master"
        const val SPAWNED = "worker"
        private const val RESTORE = "restoring its timers"
        private val LAYER_RETRY = 1.seconds

        /** How long a cancelled handler or timer may take to end before it is abandoned. */
        val MARGIN = 500.milliseconds
    }
}
