package dev.mqttflow.internal

import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.internal.timers.TimerEngine
import dev.mqttflow.monitoring.ConnectionState
import dev.mqttflow.monitoring.DeadLetterRecord
import dev.mqttflow.monitoring.FailureRecord
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.monitoring.FlowSnapshot
import dev.mqttflow.monitoring.FlowStatus
import dev.mqttflow.monitoring.Health
import dev.mqttflow.monitoring.PendingTimer
import dev.mqttflow.monitoring.WorkerStatus
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.ExperimentalCoroutinesApi
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Instant

/**
 * The [FlowStatus] of one [Runtime], and the one place where the runtime tells its [monitor]
 * about connection changes, publishes and failures. It keeps the connection state, the latest
 * failures and dead letters (only on those paths: nothing per message).
 */
internal class RuntimeStatus(private val runtime: Runtime, val monitor: FlowMonitor?) : FlowStatus {
    private val broker = "${runtime.config.host}:${runtime.config.effectivePort}"
    private val failures = ArrayDeque<FailureRecord>()
    private val deadLetters = ArrayDeque<DeadLetterRecord>()

    /** Masters waiting out a restart backoff: not running, but coming back. */
    val restarting: MutableSet<String> = ConcurrentHashMap.newKeySet()

    /** The durable timers every running worker has armed, soonest first (read from each worker's engine). */
    private fun pendingTimers(): List<PendingTimer> = runtime.workers()
        .flatMap { it.coroutineContext[TimerEngine]?.pendingTimers().orEmpty() }
        .sortedWith(compareBy({ it.dueAt }, { it.worker }, { it.name }, { it.key }))

    @Volatile
    private var state = ConnectionState.CONNECTING

    @Volatile
    private var since: Instant = runtime.clock.now()

    @Volatile
    private var lostAt = 0L

    @Volatile
    private var fatalReason: String? = null

    fun connected() = moveTo(ConnectionState.CONNECTED)

    fun event(event: ConnectionEvent) {
        when (event) {
            is ConnectionEvent.Lost -> {
                if (event.final) {
                    fatalReason =
                        "the connection was lost for good: ${event.cause?.message ?: "no reason"}"
                }
                moveTo(if (event.final) ConnectionState.STOPPED else ConnectionState.DISCONNECTED)
                lostAt = System.nanoTime()
                monitor?.connectionLost(event.final)
            }

            is ConnectionEvent.Connected -> {
                moveTo(ConnectionState.CONNECTED)
                monitor?.reconnected(System.nanoTime() - lostAt)
            }
        }
    }

    fun stopped(reason: String?) {
        if (reason != null && fatalReason == null) fatalReason = reason
        moveTo(ConnectionState.STOPPED)
    }

    private fun moveTo(next: ConnectionState) {
        if (state != next) since = runtime.clock.now()
        state = next
    }

    /** Publishes through [send], timing the broker's acknowledgement when a monitor listens. */
    suspend inline fun publish(publish: Publish, send: (Publish) -> Unit) {
        val m = monitor ?: return send(publish)
        val start = System.nanoTime()
        try {
            send(publish)
        } catch (e: Exception) {
            m.published(publish.qos, 0, failed = true)
            throw e
        }
        m.published(publish.qos, if (publish.qos == 0) 0 else System.nanoTime() - start, failed = false)
    }

    fun failed(worker: Worker, handler: String, topic: String?, error: Throwable) {
        monitor?.handlerFailed(worker.consumer.name, if (handler == COROUTINE_HANDLER) "coroutine" else handler)
        val record = FailureRecord(runtime.clock.now(), worker.name, handler, topic, error.toString())
        synchronized(failures) { failures.keep(record) }
    }

    fun deadLettered(worker: Worker, topic: String, deadLetterTopic: String, attempts: Int) {
        monitor?.deadLettered(worker.consumer.name)
        val record = DeadLetterRecord(runtime.clock.now(), worker.name, topic, deadLetterTopic, attempts)
        synchronized(deadLetters) { deadLetters.keep(record) }
    }

    override val health: Health
        get() {
            val reasons = ArrayList<String>()
            fatalReason?.let { return Health(live = false, ready = false, reasons = listOf(it)) }
            if (runtime.fatal.isCompleted) return Health(live = false, ready = false, reasons = listOf(fatalMessage()))
            when (state) {
                ConnectionState.CONNECTING -> reasons += "connecting to $broker"
                ConnectionState.DISCONNECTED -> reasons += "disconnected from $broker since $since; reconnecting"
                ConnectionState.STOPPED -> return Health(live = false, ready = false, reasons = listOf("stopped"))
                ConnectionState.CONNECTED -> if (!runtime.router.isOpen) reasons += "restoring subscriptions"
            }
            val masters = runtime.workers().filter { it.isMaster }
            for (name in runtime.stoppedMasterNames()) reasons += "consumer '$name' was stopped by its failure policy"
            for (name in restarting) reasons += "consumer '$name' is restarting after a failure"
            for (m in masters) if (!m.connected.isCompleted) reasons += "onConnect of '${m.name}' has not returned"
            if (masters.isEmpty() && restarting.isEmpty()) reasons += "no consumer is running"
            return Health(live = true, ready = reasons.isEmpty(), reasons = reasons)
        }

    override val unacknowledged: Int get() = runtime.router.unacknowledged.get()

    override val workersAlive: Int get() = runtime.workers().size

    override fun inboxDepth(consumer: String?): Int =
        runtime.workers().sumOf { if (consumer == null || it.consumer.name == consumer) it.inboxDepth else 0 }

    override val timersPending: Int get() = runtime.workers().sumOf {
        it.coroutineContext[TimerEngine]?.pendingCount
            ?: 0
    }

    override suspend fun snapshot(): FlowSnapshot {
        val held = runtime.router.subscriptions.byHolder()
        val workers = runtime.workers().sortedWith(compareBy({ it.consumer.name }, { it.appId })).map {
            WorkerStatus(it.name, it.consumer.name, it.appId, held[it].orEmpty(), it.inboxDepth, it.runningNow)
        }
        return FlowSnapshot(
            broker = broker,
            connection = state,
            since = since,
            health = health,
            workers = workers,
            unacknowledged = unacknowledged,
            recentFailures = synchronized(failures) { failures.toList() },
            recentDeadLetters = synchronized(deadLetters) { deadLetters.toList() },
            timers = pendingTimers(),
        )
    }

    @OptIn(ExperimentalCoroutinesApi::class)
    private fun fatalMessage(): String = runtime.fatal.getCompleted().message ?: "stopped"

    private fun <T> ArrayDeque<T>.keep(item: T) {
        addFirst(item)
        while (size > FlowSnapshot.RECENT) removeLast()
    }

    companion object {
        /** How [Runtime.coroutineFailed] names the handler. */
        const val COROUTINE_HANDLER = "a coroutine it launched"
    }
}
