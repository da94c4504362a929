package dev.mqttflow.connection

import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.flow.Flow

/**
 * The port between the runtime and a broker. The runtime drives it; mqttflow ships the real one
 * (over the HiveMQ client) and an in-memory one in the test kit. Implement it only to plug in
 * another transport.
 *
 * Contract: [messages] is collected exactly once, and its collection is registered before
 * [connect] returns the first time, so messages queued by a resumed session are never lost.
 */
public interface BrokerConnection {
    /** Every message the broker sends us, in arrival order. */
    public fun messages(): Flow<InboundMessage>

    /** Connection state changes after the first connect: lost, and back (with or without a session). */
    public fun events(): Flow<ConnectionEvent>

    /** Connect; returns once the broker accepted us. Throws [dev.mqttflow.errors.ConnectionException]. */
    public suspend fun connect(): ConnectionEvent.Connected

    /** Subscribe to [filter] at [qos]; returns the QoS the broker granted. */
    public suspend fun subscribe(filter: String, qos: Int): Int

    /** Unsubscribe from [filter]. */
    public suspend fun unsubscribe(filter: String)

    /** Publish; with QoS 1/2 returns after the broker acknowledged it. */
    public suspend fun publish(publish: Publish)

    /** Disconnect cleanly. Safe to call more than once. */
    public suspend fun disconnect()
}

/** A change of the connection's state. */
public sealed interface ConnectionEvent {
    /** Connected; [sessionPresent] says the broker kept our subscriptions. */
    public data class Connected(public val sessionPresent: Boolean) : ConnectionEvent

    /** The connection was lost; the client is trying to reconnect unless [final]. */
    public data class Lost(public val cause: Throwable?, public val final: Boolean) : ConnectionEvent
}

/**
 * A message as it came off the wire, with the means to acknowledge it. The runtime calls [ack]
 * exactly once, after every worker it was routed to has handled it.
 */
public class InboundMessage(public val message: Message, private val acknowledge: (() -> Unit)? = null) {
    /** Acknowledge the message to the broker (a no-op for QoS 0). */
    public fun ack() {
        acknowledge?.invoke()
    }
}
