package dev.mqttflow.internal

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.errors.UnsupportedActionException
import dev.mqttflow.protocol.Action
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
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Clock

/**
 * The engine behind [dev.mqttflow.MqttFlow] and the test kit: routes inbound messages to workers,
 * performs their actions against a [BrokerConnection], supervises them.
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
    private val failurePolicy: FailurePolicy = FailurePolicy.Continue,
    /** Extra context every worker inherits, such as the database. */
    context: CoroutineContext = EmptyCoroutineContext,
) {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")
    private val job = SupervisorJob()
    val scope = CoroutineScope(context + dispatcher + job + CoroutineName("mqttflow"))
    val subscriptions = SubscriptionTable<Worker>(connection)
    private val workers = ConcurrentHashMap.newKeySet<Worker>()
    private val stopping = ConcurrentHashMap.newKeySet<Worker>()

    /** Completed when the connection is lost for good; [dev.mqttflow.MqttFlow.run] rethrows it. */
    val fatal = CompletableDeferred<Throwable>()

    /** Registers the message stream, then connects (in that order), then starts [consumers]. */
    suspend fun start(consumers: List<Consumer>) {
        scope.launch(CoroutineName("mqttflow-router"), start = CoroutineStart.UNDISPATCHED) {
            try {
                connection.messages().collect { route(it) }
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
        consumers.forEachIndexed { index, consumer -> startWorker(consumer, index) }
    }

    private fun startWorker(consumer: Consumer, index: Int): Worker {
        val name = if (index == 0) consumer.name else "${consumer.name}#$index"
        val worker = Worker(
            name = name,
            consumer = consumer,
            appId = 0,
            instanceType = "master",
            params = emptyMap(),
            runtime = this,
            parent = job,
            baseContext = scope.coroutineContext,
            inboxCapacity = config.inboxCapacity,
        )
        workers += worker
        worker.start()
        return worker
    }

    private val matched = HashSet<Worker>()

    /** Runs on the single router coroutine only, which is what makes reusing [matched] safe. */
    private suspend fun route(inbound: InboundMessage) {
        matched.clear()
        subscriptions.match(inbound.message.topic, matched)
        if (matched.isEmpty()) {
            log.debug("no worker subscribed to {}; acknowledging", inbound.message.topic)
            inbound.ack()
            return
        }
        val delivery = Delivery(inbound, matched.size)
        for (worker in matched) {
            if (!worker.offer(delivery)) delivery.done()
        }
    }

    private suspend fun onConnectionEvent(event: ConnectionEvent) {
        when (event) {
            is ConnectionEvent.Lost -> if (event.final) {
                fatal.complete(event.cause ?: ConnectionException("the connection was lost for good"))
            } else {
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

    suspend fun publish(publish: Publish) {
        Topics.validateTopic(publish.topic)
        connection.publish(publish)
    }

    suspend fun perform(worker: Worker, action: Action) {
        when (action) {
            is Publish -> publish(action)
            is Subscribe -> subscriptions.subscribe(worker, action.filter, action.qos)
            is Unsubscribe -> subscriptions.unsubscribe(worker, action.filter)
            is SpawnWorker -> throw UnsupportedActionException("SpawnWorker", "spawning workers is not supported yet")
            is KillWorker -> throw UnsupportedActionException("KillWorker", "killing workers is not supported yet")
        }
    }

    fun handlerFailed(worker: Worker, what: String, topic: String?, error: Throwable): FailurePolicy {
        if (topic == null) {
            log.error("worker '{}': {} threw", worker.name, what, error)
        } else {
            log.error("worker '{}': {} threw on topic '{}'", worker.name, what, topic, error)
        }
        return failurePolicy
    }

    /** Stops [worker] from a coroutine of its own, so a worker may ask to stop itself. */
    fun stopWorker(worker: Worker) {
        if (!stopping.add(worker)) return
        scope.launch { stopAndRelease(worker) }
    }

    private suspend fun stopAndRelease(worker: Worker) {
        worker.stop(config.shutdownTimeout)
        subscriptions.releaseAll(worker).forEach {
            log.warn("worker '{}': releasing a subscription failed: {}", worker.name, it.message)
        }
        workers -= worker
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
