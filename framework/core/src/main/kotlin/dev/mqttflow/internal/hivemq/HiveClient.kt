package dev.mqttflow.internal.hivemq

import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.protocol.Publish
import reactor.core.publisher.Flux

/** What [HiveMqConnection] needs from a HiveMQ client, for MQTT 5 and 3.1.1 alike. */
internal interface HiveClient {
    /** The global publishes stream, with manual acknowledgement. */
    fun publishes(): Flux<InboundMessage>

    suspend fun connect(): ConnectionEvent.Connected

    suspend fun subscribe(filter: String, qos: Int): Int

    suspend fun unsubscribe(filter: String)

    suspend fun publish(publish: Publish)

    suspend fun disconnect()
}
