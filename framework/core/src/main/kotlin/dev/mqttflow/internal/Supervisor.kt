package dev.mqttflow.internal

import dev.mqttflow.errors.WorkerException
import dev.mqttflow.worker.FailureOutcome
import dev.mqttflow.worker.FailurePolicy
import java.util.concurrent.ConcurrentHashMap

/**
 * Which spawned worker runs under which app id. It decides nothing and starts nothing: the
 * [Runtime] asks it, then acts.
 */
internal class Supervisor {
    private val byAppId = ConcurrentHashMap<Int, Worker>()

    /** Running spawned workers by app id (a snapshot). */
    fun spawned(): Map<Int, Worker> = HashMap(byAppId)

    /** Reserves [appId] for a worker [caller] is about to spawn; throws if not allowed or taken. */
    fun reserve(caller: Worker, appId: Int) {
        requireMaster(caller, "spawn", appId)
        if (appId <
            1
        ) {
            throw WorkerException("app id $appId is not allowed: workers take app ids from 1 (0 is the master)")
        }
        val holder = byAppId.putIfAbsent(appId, caller)
        if (holder !=
            null
        ) {
            throw WorkerException("app id $appId is already running worker '${holder.name}'; kill it first")
        }
    }

    /** The reservation of [appId] becomes [worker]. */
    fun register(appId: Int, worker: Worker) {
        byAppId[appId] = worker
    }

    /** Gives a failed reservation back. */
    fun unreserve(appId: Int, caller: Worker) {
        byAppId.remove(appId, caller)
    }

    /** Takes out the worker [caller] may kill as [appId]; throws if there is none or [caller] is no master. */
    fun takeForKill(caller: Worker, appId: Int): Worker {
        requireMaster(caller, "kill", appId)
        val worker = byAppId[appId]?.takeIf { it.appId == appId }
            ?: throw WorkerException("no worker runs as app id $appId")
        byAppId.remove(appId, worker)
        return worker
    }

    /** [worker] stopped for good. */
    fun remove(worker: Worker) {
        byAppId.remove(worker.appId, worker)
    }

    /** [fresh] takes [old]'s app id; false if [old] was killed meanwhile. Top-level workers always may. */
    fun replace(old: Worker, fresh: Worker): Boolean = old.supervisor == null || byAppId.replace(old.appId, old, fresh)

    private fun requireMaster(caller: Worker, what: String, appId: Int) {
        if (!caller.isMaster) {
            throw WorkerException(
                "worker '${caller.name}' (app id ${caller.appId}) cannot $what app id $appId: only a master can",
            )
        }
    }
}

/**
 * What a worker with [policy] that was restarted [restarts] times does after [handler] threw. Pure.
 * A failed `onConnect` cannot be continued past (the worker would run with none of its
 * subscriptions): there `Continue` means `Stop`.
 */
internal fun decide(policy: FailurePolicy, restarts: Int, handler: String = "onMessage"): FailurePolicy =
    when (policy) {
        is FailurePolicy.Restart -> if (restarts < policy.maxRestarts) policy else FailurePolicy.Stop
        FailurePolicy.Continue -> if (handler == ON_CONNECT) FailurePolicy.Stop else policy
        FailurePolicy.Stop -> policy
    }

/** The name of the `onConnect` handler in logs and failures. */
internal const val ON_CONNECT = "onConnect"

/** How [decision] is reported to the master. */
internal fun outcomeOf(decision: FailurePolicy): FailureOutcome = when (decision) {
    FailurePolicy.Continue -> FailureOutcome.CONTINUED
    FailurePolicy.Stop -> FailureOutcome.STOPPED
    is FailurePolicy.Restart -> FailureOutcome.RESTARTING
}

/** [base], or `base#2`, `base#3`… — the first that is not [taken]. The one naming rule for workers. */
internal fun uniqueName(base: String, taken: Set<String>): String {
    if (base !in taken) return base
    var n = 2
    while ("$base#$n" in taken) n++
    return "$base#$n"
}

private const val MAX_CAUSES = 8

/** The innermost stack frame in a `.kts` script (its causes too): where a script's handler threw. */
internal fun Throwable.scriptFrame(): StackTraceElement? = generateSequence(this) { it.cause }
    .take(MAX_CAUSES)
    .flatMap { it.stackTrace.asSequence() }
    .firstOrNull { it.fileName?.endsWith(".kts") == true && it.lineNumber > 0 }
