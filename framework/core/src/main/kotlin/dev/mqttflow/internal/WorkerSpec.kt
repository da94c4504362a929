package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.worker.FailurePolicy

/** What a worker is: its consumer, identity, parameters, failure policy and lineage. */
internal data class WorkerSpec(
    val consumer: Consumer,
    val appId: Int,
    val instanceType: String,
    val params: Map<String, Any?>,
    val policy: FailurePolicy? = null,
    /** The master that spawned this worker; null for top-level consumers. */
    val supervisor: Worker? = null,
    /** How often this app id was restarted before this instance. */
    val restarts: Int = 0,
    val name: String = if (appId == 0) consumer.name else "${consumer.name}@$appId",
)
