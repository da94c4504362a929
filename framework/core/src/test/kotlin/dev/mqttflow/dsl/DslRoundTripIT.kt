package dev.mqttflow.dsl

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.publish
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds

class DslRoundTripIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        afterSpec { broker.close() }

        test("named topic variables route a real message to the right handler") {
            val ready = CompletableDeferred<Unit>()
            val lights = mqttConsumer("lights") {
                onConnect {
                    subscribe("home/+/motion", qos = 1)
                    subscribe("home/+/door", qos = 1)
                    ready.complete(Unit)
                }
                onMessage("home/{room}/motion") { msg -> publish("home/lights/${msg.vars["room"]}/set", "on", qos = 1) }
                onMessage { msg -> publish("home/other", msg.topic, qos = 1) }
            }
            val raw = MqttClient.builder().useMqttVersion5().serverHost(
                "127.0.0.1",
            ).serverPort(broker.port).buildBlocking()
            raw.connect()
            val out = raw.publishes(MqttGlobalPublishFilter.ALL)
            raw.subscribeWith().topicFilter("home/lights/#").qos(MqttQos.AT_LEAST_ONCE).send()
            raw.subscribeWith().topicFilter("home/other").qos(MqttQos.AT_LEAST_ONCE).send()
            val job = launch { MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = broker.port)).run(lights) }
            withTimeout(20.seconds) { ready.await() }
            withContext(Dispatchers.IO) {
                raw.publishWith().topic(
                    "home/hall/motion",
                ).payload("1".encodeToByteArray()).qos(MqttQos.AT_LEAST_ONCE).send()
                val first = out.receive(10, TimeUnit.SECONDS).orElseThrow()
                first.topic.toString() shouldBe "home/lights/hall/set"
                raw.publishWith().topic(
                    "home/hall/door",
                ).payload("open".encodeToByteArray()).qos(MqttQos.AT_LEAST_ONCE).send()
                val second = out.receive(10, TimeUnit.SECONDS).orElseThrow()
                (second.topic.toString() to second.payloadAsBytes.decodeToString()) shouldBe
                    ("home/other" to "home/hall/door")
            }
            job.cancelAndJoin()
            raw.disconnect()
        }
    })
