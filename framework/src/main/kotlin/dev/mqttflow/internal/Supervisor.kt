package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.DeclaresTables
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.errors.WorkerException
import dev.mqttflow.worker.FailureOutcome
import dev.mqttflow.worker.FailurePolicy
import dev.mqttflow.worker.WorkerFailure
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap

/**
 * Spawning, killing and failure policy: which worker runs under which app id, and what happens to a
 * worker whose handler threw. One per [Runtime].
 */
internal class Supervisor(private val runtime: Runtime, private val defaultPolicy: FailurePolicy) {
    private val log = LoggerFactory.getLogger("mqttflow.worker")
    private val byAppId = ConcurrentHashMap<Int, Worker>()

    /** Running spawned workers by app id (a snapshot). */
    fun spawned(): Map<Int, Worker> = HashMap(byAppId)

    @Suppress("ThrowsCount")
    suspend fun spawn(
        caller: Worker,
        appId: Int,
        consumer: Consumer,
        params: Map<String, Any?>,
        policy: FailurePolicy?,
    ) {
        requireMaster(caller, "spawn", appId)
        if (appId <
            1
        ) {
            throw WorkerException("app id $appId is not allowed: workers take app ids from 1 (0 is the master)")
        }
        createTablesOf(consumer)
        val placeholder = byAppId.putIfAbsent(appId, caller)
        if (placeholder != null) {
            throw WorkerException("app id $appId is already running worker '${placeholder.name}'; kill it first")
        }
        val worker = runtime.newWorker(
            WorkerSpec(consumer, appId, Worker.SPAWNED, params, policy ?: defaultPolicy, supervisor = caller),
        )
        byAppId[appId] = worker
        worker.start()
        log.info("worker '{}' spawned as app id {} by '{}' with {}", worker.name, appId, caller.name, params)
    }

    /** A spawned consumer's declared tables are created before it starts, as top-level ones are at startup. */
    suspend fun createTablesOf(consumer: Consumer) {
        val tables = (consumer as? DeclaresTables)?.tables.orEmpty()
        if (tables.isEmpty()) return
        val db = runtime.scope.coroutineContext[MqttFlowDatabase]
            ?: throw WorkerException("consumer '${consumer.name}' declares tables, but this runtime has no database")
        db.createMissingTables(tables)
    }

    suspend fun kill(caller: Worker, appId: Int) {
        requireMaster(caller, "kill", appId)
        val worker = byAppId[appId]?.takeIf { it.appId == appId }
            ?: throw WorkerException("no worker runs as app id $appId")
        byAppId.remove(appId, worker)
        runtime.stopAndRelease(worker)
        log.info("worker '{}' (app id {}) killed by '{}'", worker.name, appId, caller.name)
    }

    private fun requireMaster(caller: Worker, what: String, appId: Int) {
        if (!caller.isMaster) {
            throw WorkerException(
                "worker '${caller.name}' (app id ${caller.appId}) cannot $what app id $appId: only a master can",
            )
        }
    }

    /** Logs a handler failure and decides, by the worker's policy, what becomes of the worker. */
    fun failed(worker: Worker, handler: String, topic: String?, error: Throwable): FailurePolicy {
        val at = error.scriptFrame()?.let { " at ${it.fileName}:${it.lineNumber}" } ?: ""
        if (topic == null) {
            log.error("worker '{}': {} threw{}", worker.name, handler, at, error)
        } else {
            log.error("worker '{}': {} threw on topic '{}'{}", worker.name, handler, topic, at, error)
        }
        val decision = when (val policy = worker.policy) {
            is FailurePolicy.Restart -> if (worker.restarts < policy.maxRestarts) policy else FailurePolicy.Stop
            else -> policy
        }
        val outcome = when (decision) {
            FailurePolicy.Continue -> FailureOutcome.CONTINUED
            FailurePolicy.Stop -> FailureOutcome.STOPPED
            is FailurePolicy.Restart -> FailureOutcome.RESTARTING
        }
        runtime.observer.handlerFailed(worker, handler, topic, error)
        val failure = WorkerFailure(worker.appId, worker.name, handler, topic, error, outcome)
        worker.supervisor?.let { master -> runtime.scope.launch { master.offer(FailureWork(failure)) } }
        return decision
    }

    /** Carries out [decision] for [worker], from its own loop: stopping and restarting run elsewhere. */
    fun after(worker: Worker, decision: FailurePolicy) {
        when (decision) {
            FailurePolicy.Continue -> Unit

            FailurePolicy.Stop -> {
                worker.markStopping()
                runtime.scope.launch {
                    byAppId.remove(worker.appId, worker)
                    runtime.stopAndRelease(worker)
                }
            }

            is FailurePolicy.Restart -> {
                worker.markStopping()
                runtime.scope.launch { restart(worker, decision) }
            }
        }
    }

    private suspend fun restart(worker: Worker, policy: FailurePolicy.Restart) {
        runtime.stopAndRelease(worker)
        val wait = policy.backoff * (1 shl worker.restarts.coerceAtMost(MAX_DOUBLINGS))
        log.warn(
            "worker '{}': restarting in {} (restart {} of {})",
            worker.name,
            wait,
            worker.restarts + 1,
            policy.maxRestarts,
        )
        delay(wait)
        val fresh = runtime.newWorker(worker.spec.copy(restarts = worker.restarts + 1))
        if (worker.supervisor != null && !byAppId.replace(worker.appId, worker, fresh)) {
            log.info("worker '{}' was killed while waiting to restart; not restarting it", worker.name)
            return
        }
        fresh.start()
    }

    private companion object {
        const val MAX_DOUBLINGS = 10
    }
}

private const val MAX_CAUSES = 8

/** The innermost stack frame in a `.kts` script (its causes too): where a script's handler threw. */
internal fun Throwable.scriptFrame(): StackTraceElement? = generateSequence(this) { it.cause }
    .take(MAX_CAUSES)
    .flatMap { it.stackTrace.asSequence() }
    .firstOrNull { it.fileName?.endsWith(".kts") == true && it.lineNumber > 0 }
