package dev.mqttflow

import dev.mqttflow.consumer.Consumer

/**
 * Starts and stops top-level consumers of a running [MqttFlow]: the receiver of the `control` block
 * of [MqttFlow.run]. Script reloading (`mqttflow run --watch`) uses it to swap a script's consumers
 * while the others keep running.
 */
public interface ConsumerControl {
    /** The worker names of the top-level consumers running now. */
    public fun running(): List<String>

    /**
     * Starts [consumer] as a top-level worker (its `onConnect` runs) and returns its worker name: the
     * consumer's name, or `name#2`, `name#3`… when that name is taken.
     */
    public suspend fun start(consumer: Consumer): String

    /**
     * Stops the top-level worker named [workerName] the way a shutdown does: the handler in flight
     * finishes (bounded), `onDisconnect` runs, its subscriptions are released. False if none runs.
     */
    public suspend fun stop(workerName: String): Boolean

    /**
     * Replaces the top-level workers named [old] by [consumers] (a `--watch` reload): each old
     * worker stops the way [stop] does, and the messages still queued for it go, in order, to the
     * new consumer of the same name, which handles them right after its `onConnect`. Those of an
     * old worker the new list has no namesake for are acknowledged unhandled, with a log line saying
     * how many. Returns the new worker names.
     */
    public suspend fun replace(old: List<String>, consumers: List<Consumer>): List<String> {
        for (name in old) stop(name)
        return consumers.map { start(it) }
    }
}
