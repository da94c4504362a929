package dev.mqttflow.internal

import dev.mqttflow.MqttFlowPlugin
import dev.mqttflow.automation.AutomationStore
import dev.mqttflow.automation.InMemoryAutomationStore
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.errors.NoConsumerRunningException
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.ChannelSend
import dev.mqttflow.protocol.GroupSend
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.routing.Topics
import dev.mqttflow.worker.FailurePolicy
import dev.mqttflow.worker.RetryPolicy
import dev.mqttflow.worker.WorkerFailure
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Clock

/**
 * The engine behind [dev.mqttflow.MqttFlow] and the test kit: starts the [Router], performs the
 * workers' actions against a [BrokerConnection], and spawns, kills, stops and restarts workers —
 * carrying out what [decide] says after a failure, and deciding (through [Leftovers]) what
 * becomes of the deliveries a stopping worker still holds.
 *
 * Its scope has no parent on purpose: stopping must be able to run `onDisconnect` handlers after
 * the caller was cancelled. [dev.mqttflow.MqttFlow.run] does not return before [stop] finished, so
 * nothing outlives the caller.
 */
internal class Runtime(
    val connection: BrokerConnection,
    val config: MqttFlowConfig,
    dispatcher: CoroutineDispatcher,
    override val clock: Clock,
    override val layer: ChannelLayer = InMemoryChannelLayer(clock = clock),
    private val failurePolicy: FailurePolicy = FailurePolicy.Continue,
    val observer: RuntimeObserver = RuntimeObserver.None,
    override val monitor: FlowMonitor? = null,
    /** Extra context every worker inherits, such as the database (what [plugins] opened). */
    context: CoroutineContext = EmptyCoroutineContext,
    /** Their [MqttFlowPlugin.beforeStart] runs before each consumer's first worker starts. */
    val plugins: List<MqttFlowPlugin> = emptyList(),
) : WorkerHost {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")
    private val workerLog = LoggerFactory.getLogger("mqttflow.worker")
    private val job = SupervisorJob()
    override val automationStore: AutomationStore = context[AutomationStore] ?: InMemoryAutomationStore()
    val scope = CoroutineScope(context + automationStore + place + dispatcher + job + CoroutineName("mqttflow"))
    val router = Router(connection, clock, persistentSession = config.persistentSession, monitor, config.group)
    val status = RuntimeStatus(this, monitor)
    private val supervisor = Supervisor()
    private val workers = ConcurrentHashMap.newKeySet<Worker>()
    private val stopping = ConcurrentHashMap.newKeySet<Worker>()
    private val unknownTypes = ConcurrentHashMap.newKeySet<Pair<String, String>>()
    private val lastFailure = ConcurrentHashMap<Worker, Throwable>()
    private val stoppedMasters = java.util.Collections.synchronizedList(ArrayList<String>())

    @Volatile
    private var stoppingAll = false

    @Volatile
    private var mastersStarted = false

    @Volatile
    private var lastCause: Throwable? = null

    /** Completed when the connection is lost for good; [dev.mqttflow.MqttFlow.run] rethrows it. */
    val fatal = CompletableDeferred<Throwable>()

    /**
     * Lets the [plugins] prepare [consumers] ([beforeStart]), then registers the message stream, connects (in that
     * order), starts [consumers] as masters, and opens the router once every master's `onConnect`
     * returned (bounded by [MqttFlowConfig.connectTimeout]; see [Router]).
     */
    suspend fun start(consumers: List<Consumer>, params: Map<String, Any?> = emptyMap()) {
        beforeStart(consumers)
        scope.launch(CoroutineName("mqttflow-router"), start = CoroutineStart.UNDISPATCHED) {
            try {
                router.run()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                log.error("the inbound message stream failed", e)
                fatal.complete(ConnectionException("the inbound message stream failed: ${e.message}", e))
            }
        }
        val connected = connection.connect()
        status.connected().also { monitor?.attached(status) }
        log.info(
            "connected to {}:{} (session present: {})",
            config.host,
            config.effectivePort,
            connected.sessionPresent,
        )
        scope.launch(CoroutineName("mqttflow-events")) { connection.events().collect { onConnectionEvent(it) } }
        val names = HashSet<String>()
        val masters = consumers.map { consumer ->
            val name = uniqueName(consumer.name, names).also { names += it }
            newWorker(WorkerSpec(consumer, 0, Worker.MASTER, params, name = name)).also { it.start() }
        }
        mastersStarted = true
        checkMastersAlive() // all may have failed while the later ones were being created
        scope.launch(CoroutineName("mqttflow-gate")) {
            val ready = withTimeoutOrNull(config.connectTimeout) { masters.forEach { it.connected.await() } }
            if (ready == null) {
                log.warn(
                    "onConnect of {} still running after {}; routing messages anyway",
                    masters.filter { !it.connected.isCompleted }.joinToString { "'${it.name}'" },
                    config.connectTimeout,
                )
            }
            router.open()
        }
    }

    /** A new worker (not started); [carried] is work of a predecessor it handles first, after `onConnect`. */
    fun newWorker(spec: WorkerSpec, carried: List<Work> = emptyList()): Worker {
        val worker = Worker(
            spec.copy(policy = spec.policy ?: failurePolicy),
            this,
            scope.coroutineContext,
            config.inboxCapacity,
            carried,
        )
        workers += worker
        return worker
    }

    /** Workers running now. */
    fun workers(): Set<Worker> = workers.toSet()

    private suspend fun onConnectionEvent(event: ConnectionEvent) {
        status.event(event)
        when (event) {
            is ConnectionEvent.Lost -> {
                router.close()
                if (event.final) {
                    fatal.complete(event.cause ?: ConnectionException("the connection was lost for good"))
                } else {
                    log.warn(
                        "connection to {}:{} lost, reconnecting: {}",
                        config.host,
                        config.effectivePort,
                        event.cause?.message ?: "no reason given",
                    )
                }
            }

            is ConnectionEvent.Connected -> {
                log.info(
                    "reconnected to {}:{} (session present: {})",
                    config.host,
                    config.effectivePort,
                    event.sessionPresent,
                )
                router.reconnected(event.sessionPresent)
            }
        }
    }

    /** Every action of a worker comes through here: validated, shown to the [observer], then performed. */
    override suspend fun perform(worker: Worker, action: Action, policy: FailurePolicy?) {
        when (action) {
            is Publish -> Topics.validateTopic(action.topic)
            is Subscribe -> Topics.validateFilter(action.filter)
            else -> Unit
        }
        observer.actionSent(worker, action)
        when (action) {
            is Publish -> status.publish(action) { connection.publish(it) }
            is Subscribe -> router.subscriptions.subscribe(worker, action.filter, action.qos, action.shared)
            is Unsubscribe -> router.unsubscribe(worker, action.filter)
            is SpawnWorker -> spawn(worker, action, policy)
            is KillWorker -> kill(worker, action.appId)
            is ChannelSend -> layer.send(action.channel, action.message).also { layerSent(worker, "channel") }
            is GroupSend -> layer.groupSend(action.group, action.message).also { layerSent(worker, "group") }
        }
    }

    private suspend fun spawn(caller: Worker, action: SpawnWorker, policy: FailurePolicy?) {
        supervisor.reserve(caller, action.appId)
        val worker = try {
            val consumer = action.instance ?: ConsumerLookup.load(action.consumer)
            beforeStart(listOf(consumer))
            newWorker(
                WorkerSpec(consumer, action.appId, Worker.SPAWNED, action.params, policy, supervisor = caller),
            )
        } catch (e: Exception) {
            supervisor.unreserve(action.appId, caller)
            throw e
        }
        supervisor.register(action.appId, worker)
        worker.start()
        workerLog.info(
            "worker '{}' spawned as app id {} by '{}' with {}",
            worker.name,
            action.appId,
            caller.name,
            action.params,
        )
    }

    private suspend fun kill(caller: Worker, appId: Int) {
        val worker = supervisor.takeForKill(caller, appId)
        stopAndRelease(worker, Leftovers.ACK)
        workerLog.info("worker '{}' (app id {}) killed by '{}'", worker.name, appId, caller.name)
    }

    override fun failed(worker: Worker, handler: String, topic: String?, error: Throwable): FailurePolicy {
        val at = error.scriptFrame()?.let { " at ${it.fileName}:${it.lineNumber}" } ?: ""
        if (topic == null) {
            workerLog.error("worker '{}': {} threw{}", worker.name, handler, at, error)
        } else {
            workerLog.error("worker '{}': {} threw on topic '{}'{}", worker.name, handler, topic.forLog(), at, error)
        }
        val decision = decide(worker.policy, worker.restarts, handler)
        if (decision == FailurePolicy.Stop) lastFailure[worker] = error
        observer.handlerFailed(worker, handler, topic, error)
        status.failed(worker, handler, topic, error)
        val failure = WorkerFailure(worker.appId, worker.name, handler, topic, error, outcomeOf(decision))
        worker.supervisor?.let { master -> scope.launch { master.offer(FailureWork(failure)) } }
        return decision
    }

    override fun carryOut(worker: Worker, decision: FailurePolicy) {
        when (decision) {
            FailurePolicy.Continue -> Unit

            FailurePolicy.Stop -> {
                worker.markStopping()
                scope.launch {
                    supervisor.remove(worker)
                    stopAndRelease(worker, Leftovers.ACK)
                    if (worker.isMaster) masterStopped(worker)
                }
            }

            is FailurePolicy.Restart -> {
                worker.markStopping()
                scope.launch { restart(worker, decision) }
            }
        }
    }

    private suspend fun restart(worker: Worker, policy: FailurePolicy.Restart) {
        val carried = stopAndRelease(worker, Leftovers.CARRY)
        val wait =
            backoff(worker.restarts, first = policy.backoff, max = policy.backoff * MAX_BACKOFF_FACTOR, jitter = 0.0)
        workerLog.warn(
            "worker '{}': restarting in {} ms (restart {} of {}){}",
            worker.name,
            wait.inWholeMilliseconds,
            worker.restarts + 1,
            policy.maxRestarts,
            if (carried.isEmpty()) "" else "; ${carried.size} queued item(s) wait for the new instance",
        )
        if (worker.isMaster) status.restarting += worker.name
        delay(wait)
        val fresh = newWorker(worker.spec.copy(restarts = worker.restarts + 1), carried)
        status.restarting -= worker.name
        if (!supervisor.replace(worker, fresh)) {
            workerLog.info("worker '{}' was killed while waiting to restart; not restarting it", worker.name)
            workers -= fresh
            settle(fresh.name, carried, Leftovers.ACK)
            return
        }
        fresh.start()
    }

    override val retryPolicy: RetryPolicy get() = config.onFailure

    override suspend fun deadLetter(worker: Worker, topic: String, message: Message, error: Throwable, attempts: Int) {
        val letter = DeadLetters.publish(topic, message, error, attempts, worker.consumer.name, config.version)
        DeadLetters.send(worker.name, letter, message.topic, attempts, workerLog) { perform(worker, it) }
        status.deadLettered(worker, message.topic, letter.topic, attempts)
    }

    /** A master stopped by its policy; when none is left, the run ends with [NoConsumerRunningException]. */
    private fun masterStopped(worker: Worker) {
        stoppedMasters += worker.name
        val cause = lastFailure.remove(worker)
        if (cause != null) lastCause = cause
        if (mastersStarted) checkMastersAlive()
    }

    private fun layerSent(worker: Worker, kind: String) = monitor?.layerSent(worker.consumer.name, kind)

    /** Masters stopped by their failure policy. */
    fun stoppedMasterNames(): List<String> = synchronized(stoppedMasters) { stoppedMasters.toList() }

    private fun checkMastersAlive() {
        if (!stoppingAll && stoppedMasters.isNotEmpty() && workers.none { it.isMaster }) {
            log.error("no consumer is running any more; stopping")
            fatal.complete(NoConsumerRunningException(stoppedMasters.toList(), lastCause))
        }
    }

    override fun coroutineFailed(worker: Worker, error: Throwable) {
        workerLog.error("worker '{}': a coroutine it launched failed", worker.name, error)
        observer.handlerFailed(worker, RuntimeStatus.COROUTINE_HANDLER, null, error)
        status.failed(worker, RuntimeStatus.COROUTINE_HANDLER, null, error)
    }

    override fun unknownType(worker: Worker, type: String) {
        if (unknownTypes.add(worker.consumer.name to type)) {
            workerLog.warn(
                "worker '{}': no handler for layer messages of type '{}'; such messages are skipped",
                worker.name,
                type.forLog(),
            )
        }
    }

    /**
     * Stops [worker], releases its subscriptions (not at a full stop), and settles what it still held as [mode] says:
     * with [Leftovers.CARRY] the queued work is returned (for a successor), otherwise it is settled
     * here and the list is empty.
     */
    suspend fun stopAndRelease(worker: Worker, mode: Leftovers): List<Work> {
        if (!stopping.add(worker)) return emptyList()
        val left = worker.stop(config.shutdownTimeout, mode)
        // At a full stop the subscriptions stay: a persistent session keeps them (and queues for them)
        // until the next run; a clean session ends with the connection anyway.
        if (mode != Leftovers.ABANDON) {
            router.release(worker).forEach {
                workerLog.warn("worker '{}': releasing a subscription failed: {}", worker.name, it.message)
            }
        }
        workers -= worker
        stopping -= worker
        return if (mode == Leftovers.CARRY) left else settle(worker.name, left, mode).let { emptyList() }
    }

    /** Settles the deliveries in [left] of worker [name] as [mode] says, with one log line. */
    fun settle(name: String, left: List<Work>, mode: Leftovers) {
        settleLeftovers(name, left, mode, workerLog)
    }

    /**
     * Stops the whole run: routing stops (what is not routed yet stays unacknowledged), every worker
     * stops in parallel and leaves its queued deliveries unacknowledged ([Leftovers.ABANDON]), then the
     * connection disconnects. Call from a non-cancelled context.
     */
    suspend fun stop() {
        stoppingAll = true
        status.stopped(null)
        router.close()
        coroutineScope {
            for (worker in workers.toList()) {
                launch { stopAndRelease(worker, Leftovers.ABANDON) }
            }
        }
        try {
            connection.disconnect()
        } catch (e: Exception) {
            log.warn("disconnect failed: {}", e.message)
        }
        job.cancel()
        if (withTimeoutOrNull(Worker.MARGIN) { job.join() } == null) {
            log.warn("stopped, leaving behind code that does not respond to cancellation")
        } else {
            log.info("stopped")
        }
    }

    private companion object {
        const val MAX_BACKOFF_FACTOR = 1024
    }
}
