package dev.mqttflow.layer

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.it.RawClient
import dev.mqttflow.protocol.Message
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.seconds

/**
 * Two mqttflow runtimes, each with its own Redis layer client and its own broker connection (as two
 * processes have), exchange a group_send: an MQTT message to runtime B makes B send to a group that
 * a worker of runtime A joined; A's handler publishes what it got.
 */
class LayerAcrossRuntimesIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val redis = RedisServer()
        afterSpec {
            broker.close()
            redis.close()
        }

        test("a group_send from one runtime reaches a worker of another through Redis") {
            val layerA = RedisChannelLayer(redis.url, keyPrefix = "two")
            val layerB = RedisChannelLayer(redis.url, keyPrefix = "two")
            val joined = CompletableDeferred<Unit>()
            val subscribed = CompletableDeferred<Unit>()
            val lights = object : Consumer {
                override val name = "lights"

                override suspend fun onConnect(context: ConsumerContext) {
                    context.layer.groupAdd("lights", context.channelName)
                    joined.complete(Unit)
                }

                override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean {
                    val override = message.decode<LightsOverride>()
                    context.publish("out/lights/${override.room}", if (override.on) "on" else "off", qos = 1)
                    return true
                }
            }
            val bridge = object : Consumer {
                override val name = "bridge"

                override suspend fun onConnect(context: ConsumerContext) {
                    context.subscribe("in/override/+", qos = 1)
                    subscribed.complete(Unit)
                }

                override suspend fun onMessage(context: ConsumerContext, message: Message) {
                    context.layer.groupSend(
                        "lights",
                        LightsOverride(
                            message.topic.substringAfterLast('/'),
                            message.text == "on",
                        ),
                    )
                }
            }
            val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)
            RawClient(broker.port).use { raw ->
                raw.subscribe("out/#")
                val a = launch { MqttFlow(config, layer = layerA).run(lights) }
                val b = launch { MqttFlow(config, layer = layerB).run(bridge) }
                withTimeout(20.seconds) {
                    joined.await()
                    subscribed.await()
                }
                withContext(Dispatchers.IO) {
                    raw.publish("in/override/hall", "off")
                    raw.next() shouldBe ("out/lights/hall" to "off")
                }
                a.cancelAndJoin()
                b.cancelAndJoin()
            }
            layerA.close()
            layerB.close()
        }
    })
