package dev.mqttflow.consumer

/**
 * A consumer carrying data that modules outside mqttflow-core attach to it, such as the tables
 * mqttflow-exposed's `tables(…)` declares in `mqttConsumer { }`; a [dev.mqttflow.MqttFlowPlugin]
 * reads them before the consumer starts.
 */
public interface HasExtras {
    /** What was attached, in order. */
    public val extras: List<Any>
}
