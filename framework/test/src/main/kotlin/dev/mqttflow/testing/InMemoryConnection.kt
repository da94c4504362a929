package dev.mqttflow.testing

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.receiveAsFlow

/**
 * One client of an [InMemoryBroker]. Nothing here suspends: the broker answers at once, and
 * inbound messages wait in an unbounded queue until the runtime's router takes them.
 * [filters] and [unacked] are guarded by the broker's lock.
 */
internal class InMemoryConnection(private val broker: InMemoryBroker, val clientId: String) : BrokerConnection {
    private val inbound = Channel<InboundMessage>(Channel.UNLIMITED)
    private val events = Channel<ConnectionEvent>(Channel.UNLIMITED)

    /** Filter to granted QoS. */
    val filters = LinkedHashMap<String, Int>()

    /** QoS 1/2 messages delivered and not acknowledged yet. */
    val unacked = ArrayList<Message>()

    @Volatile
    private var state = State.NEW

    private enum class State { NEW, CONNECTED, CLOSED }

    override fun messages(): Flow<InboundMessage> = inbound.receiveAsFlow()

    override fun events(): Flow<ConnectionEvent> = events.receiveAsFlow()

    override suspend fun connect(): ConnectionEvent.Connected {
        if (state == State.CLOSED) throw ConnectionException("client '$clientId' of the in-memory broker was closed")
        if (state == State.NEW) {
            broker.attach(this)
            state = State.CONNECTED
        }
        return ConnectionEvent.Connected(sessionPresent = false)
    }

    override suspend fun subscribe(filter: String, qos: Int): Int {
        ensureConnected("subscribe to '$filter'")
        return broker.subscribe(this, filter, qos)
    }

    override suspend fun unsubscribe(filter: String) {
        ensureConnected("unsubscribe from '$filter'")
        broker.unsubscribe(this, filter)
    }

    override suspend fun publish(publish: Publish) {
        ensureConnected("publish to '${publish.topic}'")
        broker.accept(clientId, publish)
    }

    override suspend fun disconnect() {
        if (state == State.CLOSED) return
        val wasConnected = state == State.CONNECTED
        state = State.CLOSED
        if (wasConnected) broker.detach(this)
        inbound.close()
        events.close()
    }

    /** Queues [message] for the runtime; called by the broker under its lock. */
    fun deliver(message: Message) {
        if (state != State.CONNECTED) return
        val ack: (() -> Unit)? = if (message.qos == 0) {
            null
        } else {
            unacked += message
            { broker.acknowledge(this, message) }
        }
        inbound.trySend(InboundMessage(message, ack))
    }

    /** Another connection with our client id connected: the broker dropped our session. */
    fun takenOver() {
        state = State.CLOSED
        events.trySend(
            ConnectionEvent.Lost(ConnectionException("client id '$clientId' was taken over by a new connection"), true),
        )
        inbound.close()
        events.close()
    }

    private fun ensureConnected(what: String) {
        if (state != State.CONNECTED) {
            throw ConnectionException("cannot $what: client '$clientId' is not connected to the in-memory broker")
        }
    }

    override fun toString(): String = "InMemoryConnection($clientId, $state)"
}
