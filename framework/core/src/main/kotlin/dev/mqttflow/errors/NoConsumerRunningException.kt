package dev.mqttflow.errors

/**
 * Every top-level consumer stopped by its failure policy (an `onConnect` that threw or whose
 * subscription was refused, say), so the run has nothing left to do: [dev.mqttflow.MqttFlow.run]
 * ends with this, after stopping cleanly. [consumers] are the worker names that stopped, in order;
 * [cause] is the failure that stopped the last one. The command line exits with code 1.
 */
public class NoConsumerRunningException(public val consumers: List<String>, cause: Throwable?) :
    MqttFlowException(
        "no consumer is running any more: ${consumers.joinToString { "'$it'" }} stopped after a failure" +
            (cause?.let { " (last: ${it.javaClass.simpleName}: ${it.message})" } ?: ""),
        cause,
    )
