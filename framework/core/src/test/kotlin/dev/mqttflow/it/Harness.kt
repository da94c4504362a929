package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.internal.hivemq.HiveMqConnection
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import java.util.Collections

/** A consumer written against the framework interface only, from lambdas. */
fun consumer(
    name: String,
    onConnect: suspend ConsumerContext.() -> Unit = {},
    onDisconnect: suspend ConsumerContext.() -> Unit = {},
    onMessage: suspend ConsumerContext.(Message) -> Unit = {},
): Consumer = object : Consumer {
    override val name = name

    override suspend fun onConnect(context: ConsumerContext) = context.onConnect()

    override suspend fun onMessage(context: ConsumerContext, message: Message) = context.onMessage(message)

    override suspend fun onDisconnect(context: ConsumerContext) = context.onDisconnect()
}

/** Records what the runtime asks of the broker, around the real connection. */
class RecordingConnection(private val real: BrokerConnection) : BrokerConnection by real {
    val calls: MutableList<String> = Collections.synchronizedList(mutableListOf())

    override suspend fun subscribe(filter: String, qos: Int): Int {
        calls += "SUBSCRIBE $filter $qos"
        return real.subscribe(filter, qos)
    }

    override suspend fun unsubscribe(filter: String) {
        calls += "UNSUBSCRIBE $filter"
        real.unsubscribe(filter)
    }

    override suspend fun publish(publish: Publish) {
        real.publish(publish)
    }
}

fun CoroutineScope.runFlow(
    config: MqttFlowConfig,
    vararg consumers: Consumer,
    wrap: (BrokerConnection) -> BrokerConnection = { it },
): Job = launch {
    MqttFlow(config, connectionFactory = { wrap(HiveMqConnection(it)) }).run(*consumers)
}
