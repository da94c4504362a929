package dev.mqttflow.internal

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import dev.mqttflow.routing.Topics
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emptyFlow
import kotlinx.coroutines.flow.receiveAsFlow
import java.util.Collections

/** A minimal in-memory broker connection for runtime unit tests: records calls, injects messages. */
class FakeBroker : BrokerConnection {
    private val inbound = Channel<InboundMessage>(Channel.UNLIMITED)
    val calls: MutableList<String> = Collections.synchronizedList(mutableListOf())
    val published: MutableList<Publish> = Collections.synchronizedList(mutableListOf())
    val acked: MutableList<String> = Collections.synchronizedList(mutableListOf())
    private val filters = mutableSetOf<String>()

    fun inject(topic: String, text: String, qos: Int = 1) {
        if (filters.any { Topics.matches(it, topic) }) {
            inbound.trySend(InboundMessage(Message(topic, text.encodeToByteArray(), qos)) { acked += "$topic:$text" })
        }
    }

    fun texts(prefix: String = ""): List<String> = published.filter {
        it.topic.startsWith(prefix)
    }.map { "${it.topic}=${it.text}" }

    override fun messages(): Flow<InboundMessage> = inbound.receiveAsFlow()

    override fun events(): Flow<ConnectionEvent> = emptyFlow()

    override suspend fun connect() = ConnectionEvent.Connected(false)

    override suspend fun subscribe(filter: String, qos: Int): Int {
        calls += "SUB $filter"
        filters += filter
        return qos
    }

    override suspend fun unsubscribe(filter: String) {
        calls += "UNSUB $filter"
        filters -= filter
    }

    override suspend fun publish(publish: Publish) {
        published += publish
    }

    override suspend fun disconnect() = Unit
}
