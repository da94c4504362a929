package dev.mqttflow.internal.hivemq

import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException
import com.hivemq.client.mqtt.mqtt3.message.auth.Mqtt3SimpleAuth
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish
import com.hivemq.client.mqtt.mqtt3.message.subscribe.Mqtt3Subscribe
import com.hivemq.client.mqtt.mqtt3.message.unsubscribe.Mqtt3Unsubscribe
import com.hivemq.client.mqtt.mqtt3.reactor.Mqtt3ReactorClient
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.PublishException
import dev.mqttflow.errors.SubscribeException
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.reactor.awaitSingle
import kotlinx.coroutines.reactor.awaitSingleOrNull
import reactor.core.publisher.Flux
import reactor.core.publisher.Mono

/** MQTT 3.1.1 over the HiveMQ reactor client. MQTT 5 properties are not sent and arrive empty. */
internal class Mqtt3HiveClient(private val config: MqttFlowConfig, builder: Mqtt3ClientBuilder) : HiveClient {
    private val client: Mqtt3ReactorClient = Mqtt3ReactorClient.from(
        builder.apply {
            val user = config.username
            if (user != null) {
                val auth = Mqtt3SimpleAuth.builder().username(user)
                val password = config.password
                simpleAuth(if (password == null) auth.build() else auth.password(password.encodeToByteArray()).build())
            }
            config.will?.let { will ->
                willPublish().topic(will.topic).payload(will.payload).qos(qosOf(will.qos)).retain(will.retain)
                    .applyWillPublish()
            }
        }.build(),
    )

    override fun publishes(): Flux<InboundMessage> = client.publishes(MqttGlobalPublishFilter.ALL, true).map { p ->
        InboundMessage(Message(p.topic.toString(), p.payloadAsBytes, p.qos.code, p.isRetain), p::acknowledge)
    }

    override suspend fun connect(): ConnectionEvent.Connected {
        val connAck = try {
            client.connectWith()
                .cleanSession(config.cleanStart)
                .keepAlive(config.keepAlive.inWholeSeconds.toInt())
                .applyConnect()
                .awaitSingle()
        } catch (e: Mqtt3ConnAckException) {
            throw RefusedException(e.mqttMessage.returnCode.name, e)
        }
        return ConnectionEvent.Connected(connAck.isSessionPresent)
    }

    override suspend fun subscribe(filter: String, qos: Int): Int {
        val subscribe = Mqtt3Subscribe.builder().topicFilter(filter).qos(qosOf(qos)).build()
        val subAck = try {
            client.subscribe(subscribe).awaitSingle()
        } catch (e: Mqtt3SubAckException) {
            throw SubscribeException(filter, e.mqttMessage.returnCodes.joinToString { it.name }, e)
        }
        val code = subAck.returnCodes.first()
        if (code.isError) throw SubscribeException(filter, code.name)
        return code.code
    }

    override suspend fun unsubscribe(filter: String) {
        client.unsubscribe(Mqtt3Unsubscribe.builder().topicFilter(filter).build()).awaitSingleOrNull()
    }

    override suspend fun publish(publish: Publish) {
        val message = Mqtt3Publish.builder().topic(publish.topic).payload(publish.payload).qos(qosOf(publish.qos))
            .retain(publish.retain).build()
        val result = client.publish(Mono.just(message)).single().awaitSingle()
        val error = result.error.orElse(null)
        if (error != null) throw PublishException(publish.topic, error.message ?: error.javaClass.simpleName, error)
    }

    override suspend fun disconnect() {
        client.disconnect().awaitSingleOrNull()
    }
}
