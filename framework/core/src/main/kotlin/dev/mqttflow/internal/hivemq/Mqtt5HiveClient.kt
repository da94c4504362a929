package dev.mqttflow.internal.hivemq

import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder
import com.hivemq.client.mqtt.mqtt5.datatypes.Mqtt5UserProperties
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5UnsubAckException
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5SimpleAuth
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe
import com.hivemq.client.mqtt.mqtt5.message.unsubscribe.Mqtt5Unsubscribe
import com.hivemq.client.mqtt.mqtt5.reactor.Mqtt5ReactorClient
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.PublishException
import dev.mqttflow.errors.SubscribeException
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.reactor.awaitSingle
import kotlinx.coroutines.reactor.awaitSingleOrNull
import reactor.core.publisher.Flux
import reactor.core.publisher.Mono
import java.nio.ByteBuffer

/** MQTT 5 over the HiveMQ reactor client. */
internal class Mqtt5HiveClient(private val config: MqttFlowConfig, builder: Mqtt5ClientBuilder) : HiveClient {
    private val client: Mqtt5ReactorClient = Mqtt5ReactorClient.from(
        builder.apply {
            val user = config.username
            val password = config.password?.encodeToByteArray()
            when {
                user != null && password != null ->
                    simpleAuth(Mqtt5SimpleAuth.builder().username(user).password(password).build())

                user != null -> simpleAuth(Mqtt5SimpleAuth.builder().username(user).build())

                password != null -> simpleAuth(Mqtt5SimpleAuth.builder().password(password).build())
            }
            config.will?.let { will ->
                willPublish().topic(will.topic).payload(will.payload).qos(qosOf(will.qos)).retain(will.retain)
                    .applyWillPublish()
            }
        }.build(),
    )

    override fun publishes(): Flux<InboundMessage> =
        client.publishes(MqttGlobalPublishFilter.ALL, true).map { p -> InboundMessage(p.toMessage(), p::acknowledge) }

    override suspend fun connect(): ConnectionEvent.Connected {
        val connAck = try {
            client.connectWith()
                .cleanStart(config.cleanStart)
                .sessionExpiryInterval(config.sessionExpiry.inWholeSeconds)
                .keepAlive(config.keepAlive.inWholeSeconds.toInt())
                .restrictions().receiveMaximum(config.receiveMaximum).applyRestrictions()
                .applyConnect()
                .awaitSingle()
        } catch (e: Mqtt5ConnAckException) {
            throw RefusedException(e.mqttMessage.reasonCode.name, e)
        }
        return ConnectionEvent.Connected(connAck.isSessionPresent)
    }

    override suspend fun subscribe(filter: String, qos: Int): Int {
        val subscribe = Mqtt5Subscribe.builder().topicFilter(filter).qos(qosOf(qos)).build()
        val subAck = try {
            client.subscribe(subscribe).awaitSingle()
        } catch (e: Mqtt5SubAckException) {
            throw SubscribeException(filter, e.mqttMessage.reasonCodes.joinToString { it.name }, e)
        }
        val code = subAck.reasonCodes.first()
        if (code.isError) throw SubscribeException(filter, code.name)
        return code.code
    }

    override suspend fun unsubscribe(filter: String) {
        try {
            client.unsubscribe(Mqtt5Unsubscribe.builder().topicFilter(filter).build()).awaitSingle()
        } catch (e: Mqtt5UnsubAckException) {
            throw PublishException(filter, "unsubscribe refused: " + e.mqttMessage.reasonCodes.joinToString(), e)
        }
    }

    override suspend fun publish(publish: Publish) {
        val result = client.publish(Mono.just(publish.toMqtt5())).single().awaitSingle()
        val error = result.error.orElse(null)
        if (error != null) throw PublishException(publish.topic, error.message ?: error.javaClass.simpleName, error)
        if (result is Mqtt5PublishResult.Mqtt5Qos1Result && result.pubAck.reasonCode.isError) {
            throw PublishException(publish.topic, result.pubAck.reasonCode.name)
        }
        if (result is Mqtt5PublishResult.Mqtt5Qos2Result && result.pubRec.reasonCode.isError) {
            throw PublishException(publish.topic, result.pubRec.reasonCode.name)
        }
    }

    override suspend fun disconnect() {
        client.disconnectWith().sessionExpiryInterval(config.sessionExpiry.inWholeSeconds).applyDisconnect()
            .awaitSingleOrNull()
    }

    private fun Publish.toMqtt5(): Mqtt5Publish {
        val b = Mqtt5Publish.builder().topic(topic).payload(payload).qos(qosOf(qos)).retain(retain)
        if (!properties.isEmpty) {
            properties.contentType?.let { b.contentType(it) }
            properties.responseTopic?.let { b.responseTopic(it) }
            properties.correlationData?.let { b.correlationData(it) }
            properties.messageExpiryInterval?.let { b.messageExpiryInterval(it) }
            if (properties.userProperties.isNotEmpty()) {
                val up = Mqtt5UserProperties.builder()
                properties.userProperties.forEach { (k, v) -> up.add(k, v) }
                b.userProperties(up.build())
            }
        }
        return b.build()
    }
}

private fun Mqtt5Publish.toMessage(): Message = Message(
    topic.toString(),
    payloadAsBytes,
    qos.code,
    isRetain,
    if (hasProperties()) properties() else MessageProperties.NONE,
)

/** Most messages carry no properties: check cheaply before building any. */
private fun Mqtt5Publish.hasProperties(): Boolean = when {
    userProperties.asList().isNotEmpty() -> true
    contentType.isPresent || responseTopic.isPresent -> true
    else -> correlationData.isPresent || messageExpiryInterval.isPresent
}

private fun Mqtt5Publish.properties() = MessageProperties(
    userProperties = userProperties.asList().map { it.name.toString() to it.value.toString() },
    contentType = contentType.map { it.toString() }.orElse(null),
    responseTopic = responseTopic.map { it.toString() }.orElse(null),
    correlationData = correlationData.map { it.toBytes() }.orElse(null),
    messageExpiryInterval = if (messageExpiryInterval.isPresent) messageExpiryInterval.asLong else null,
)

internal fun ByteBuffer.toBytes(): ByteArray = ByteArray(remaining()).also { duplicate().get(it) }

internal fun qosOf(qos: Int): MqttQos = MqttQos.fromCode(qos) ?: throw IllegalArgumentException("bad QoS $qos")

/** The broker answered CONNECT with an error: retrying will not help. */
internal class RefusedException(val reason: String, cause: Throwable) : Exception(reason, cause)
