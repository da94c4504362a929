package dev.mqttflow.script

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.Job
import kotlin.coroutines.CoroutineContext
import kotlin.time.Clock

/** A context that records what a handler does, for calling a script's handlers without a broker. */
class RecordingContext(override val coroutineContext: CoroutineContext = Job()) : ConsumerContext {
    val actions = mutableListOf<Action>()
    override val workerName: String = "test"
    override val appId: Int = 0
    override val instanceType: String = "master"
    override val params: Map<String, Any?> = emptyMap()
    override val clock: Clock = Clock.System
    override val layer: ChannelLayer = InMemoryChannelLayer()
    override val channelName: String = layer.newChannel()

    override suspend fun subscribe(filter: String, qos: Int) {
        actions += Subscribe(filter, qos)
    }

    override suspend fun unsubscribe(filter: String) {
        actions += Unsubscribe(filter)
    }

    override suspend fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int,
        retain: Boolean,
        properties: MessageProperties,
    ) {
        actions += Publish(topic, payload, qos, retain, properties)
    }

    override suspend fun send(action: Action) {
        actions += action
    }

    override suspend fun spawnWorker(
        appId: Int,
        consumer: Consumer,
        params: Map<String, Any?>,
        policy: FailurePolicy?,
    ) {
        actions += SpawnWorker(appId, consumer.name, params, consumer)
    }

    override suspend fun killWorker(appId: Int) {
        actions += KillWorker(appId)
    }
}
