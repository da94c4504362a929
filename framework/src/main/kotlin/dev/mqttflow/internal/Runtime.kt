package dev.mqttflow.internal

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.ChannelSend
import dev.mqttflow.protocol.GroupSend
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.routing.Topics
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Clock

/**
 * The engine behind [dev.mqttflow.MqttFlow] and the test kit: routes inbound messages to workers,
 * performs their actions against a [BrokerConnection], and (through [supervisor]) spawns, kills and
 * restarts them.
 *
 * Its scope has no parent on purpose: stopping must be able to run `onDisconnect` handlers after
 * the caller was cancelled. [dev.mqttflow.MqttFlow.run] does not return before [stop] finished, so
 * nothing outlives the caller.
 */
internal class Runtime(
    val connection: BrokerConnection,
    val config: MqttFlowConfig,
    dispatcher: CoroutineDispatcher,
    val clock: Clock,
    val layer: ChannelLayer = InMemoryChannelLayer(clock = clock),
    failurePolicy: FailurePolicy = FailurePolicy.Continue,
    val observer: RuntimeObserver = RuntimeObserver.None,
    /** Extra context every worker inherits, such as the database. */
    context: CoroutineContext = EmptyCoroutineContext,
) {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")
    private val job = SupervisorJob()
    val scope = CoroutineScope(context + dispatcher + job + CoroutineName("mqttflow"))

    val router = Router(connection, clock, persistentSession = config.persistentSession)
    val subscriptions get() = router.subscriptions
    private val defaultPolicy = failurePolicy
    val supervisor = Supervisor(this, failurePolicy)
    private val workers = ConcurrentHashMap.newKeySet<Worker>()
    private val stopping = ConcurrentHashMap.newKeySet<Worker>()
    private val unknownTypes = ConcurrentHashMap.newKeySet<Pair<String, String>>()

    /** Completed when the connection is lost for good; [dev.mqttflow.MqttFlow.run] rethrows it. */
    val fatal = CompletableDeferred<Throwable>()

    /**
     * Registers the message stream, then connects (in that order), then starts [consumers] as
     * masters, and opens the router once every master's `onConnect` returned (see [Router]).
     */
    suspend fun start(consumers: List<Consumer>, params: Map<String, Any?> = emptyMap()) {
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
        log.info(
            "connected to {}:{} (session present: {})",
            config.host,
            config.effectivePort,
            connected.sessionPresent,
        )
        scope.launch(CoroutineName("mqttflow-events")) {
            connection.events().collect { onConnectionEvent(it) }
        }
        val names = HashSet<String>()
        val masters = consumers.map { consumer ->
            var name = consumer.name
            var n = 1
            while (!names.add(name)) name = "${consumer.name}#${n++}"
            newWorker(WorkerSpec(consumer, 0, Worker.MASTER, params, name = name)).also { it.start() }
        }
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

    fun newWorker(spec: WorkerSpec): Worker {
        val worker =
            Worker(spec.copy(policy = spec.policy ?: defaultPolicy), this, scope.coroutineContext, config.inboxCapacity)
        workers += worker
        return worker
    }

    /** Workers running now. */
    fun workers(): Set<Worker> = workers.toSet()

    private suspend fun onConnectionEvent(event: ConnectionEvent) {
        when (event) {
            is ConnectionEvent.Lost -> if (event.final) {
                router.close()
                fatal.complete(event.cause ?: ConnectionException("the connection was lost for good"))
            } else {
                router.close()
                log.warn(
                    "connection to {}:{} lost, reconnecting: {}",
                    config.host,
                    config.effectivePort,
                    event.cause?.message ?: "no reason given",
                )
            }

            is ConnectionEvent.Connected -> {
                log.info(
                    "reconnected to {}:{} (session present: {})",
                    config.host,
                    config.effectivePort,
                    event.sessionPresent,
                )
                if (!event.sessionPresent) resubscribe()
                router.open()
            }
        }
    }

    private suspend fun resubscribe() {
        for ((filter, qos) in subscriptions.snapshot()) {
            try {
                connection.subscribe(filter, qos)
            } catch (e: Exception) {
                log.error("could not restore the subscription to '{}' after reconnecting: {}", filter, e.message, e)
            }
        }
    }

    /** Every action of a worker comes through here: validated, shown to the [observer], then performed. */
    suspend fun perform(worker: Worker, action: Action, policy: FailurePolicy? = null) {
        when (action) {
            is Publish -> Topics.validateTopic(action.topic)
            is Subscribe -> Topics.validateFilter(action.filter)
            else -> Unit
        }
        observer.actionSent(worker, action)
        when (action) {
            is Publish -> connection.publish(action)

            is Subscribe -> subscriptions.subscribe(worker, action.filter, action.qos)

            is Unsubscribe -> {
                subscriptions.unsubscribe(worker, action.filter)
                router.unsubscribed(worker, action.filter)
            }

            is SpawnWorker -> supervisor.spawn(
                worker,
                action.appId,
                action.instance ?: ConsumerLookup.load(action.consumer),
                action.params,
                policy,
            )

            is KillWorker -> supervisor.kill(worker, action.appId)

            is ChannelSend -> layer.send(action.channel, action.message)

            is GroupSend -> layer.groupSend(action.group, action.message)
        }
    }

    /** A coroutine that a handler of [worker] launched (a timer, say) failed; logged, the worker goes on. */
    fun coroutineFailed(worker: Worker, error: Throwable) {
        log.error("worker '{}': a coroutine it launched failed", worker.name, error)
        observer.handlerFailed(worker, "a coroutine it launched", null, error)
    }

    fun unknownType(worker: Worker, type: String) {
        if (unknownTypes.add(worker.consumer.name to type)) {
            log.warn(
                "worker '{}': no handler for layer messages of type '{}'; such messages are skipped",
                worker.name,
                type,
            )
        }
    }

    /** Stops [worker] and releases what it held. */
    suspend fun stopAndRelease(worker: Worker) {
        if (!stopping.add(worker)) return
        worker.stop(config.shutdownTimeout)
        router.release(worker).forEach {
            log.warn("worker '{}': releasing a subscription failed: {}", worker.name, it.message)
        }
        workers -= worker
        stopping -= worker
    }

    /** Stops every worker (in parallel), then disconnects. Call from a non-cancelled context. */
    suspend fun stop() {
        coroutineScope {
            for (worker in workers.toList()) {
                if (stopping.add(worker)) launch { worker.stop(config.shutdownTimeout) }
            }
        }
        try {
            connection.disconnect()
        } catch (e: Exception) {
            log.warn("disconnect failed: {}", e.message)
        }
        job.cancelAndJoin()
        log.info("stopped")
    }
}

/** Whether the broker keeps our session (and its subscriptions and queued messages) across connections. */
internal val MqttFlowConfig.persistentSession: Boolean
    get() = !cleanStart && (version == MqttVersion.MQTT_3_1_1 || sessionExpiry.isPositive())
