package dev.mqttflow.internal.hivemq

import com.hivemq.client.mqtt.exceptions.MqttClientStateException
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.errors.PublishException
import dev.mqttflow.protocol.Publish
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.async
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import java.util.Collections

class PublisherTest :
    FunSpec({
        fun config(messages: Int = 10) = MqttFlowConfig(outboxMessages = messages)

        test("publishes made while the link is down wait and go out, in order, once it is up") {
            runTest {
                val sent = Collections.synchronizedList(mutableListOf<String>())
                val publisher = Publisher(config()) { sent += it.text }
                val a = async { publisher.publish(Publish("t", "1", qos = 1)) }
                val b = async { publisher.publish(Publish("t", "2", qos = 0)) }
                runCurrent()
                sent shouldBe emptyList()
                publisher.up()
                a.await()
                b.await()
                sent shouldBe listOf("1", "2")
            }
        }

        test("past the outbox limit a publish fails at once, the waiting ones still go out") {
            runTest {
                val sent = Collections.synchronizedList(mutableListOf<String>())
                val publisher = Publisher(config(messages = 2)) { sent += it.text }
                val waiting = (1..2).map { async { publisher.publish(Publish("t", "$it")) } }
                runCurrent()
                shouldThrow<PublishException> { publisher.publish(Publish("t", "3")) }.message shouldContain
                    "outbox is full"
                publisher.up()
                waiting.forEach { it.await() }
                sent shouldBe listOf("1", "2")
            }
        }

        test("a publish cut off by a disconnect is sent again after the reconnect") {
            runTest {
                var attempts = 0
                lateinit var publisher: Publisher
                publisher = Publisher(config()) {
                    if (attempts++ == 0) {
                        publisher.down()
                        throw MqttClientStateException("MQTT client is not connected.")
                    }
                }
                publisher.up()
                val p = async { publisher.publish(Publish("t", "x", qos = 1)) }
                runCurrent()
                attempts shouldBe 1
                publisher.up()
                p.await()
                attempts shouldBe 2
            }
        }

        test("waiting publishes fail when the run ends for good") {
            runTest {
                val publisher = Publisher(config()) { error("never sent") }
                val p = async { runCatching { publisher.publish(Publish("t", "x")) } }
                runCurrent()
                publisher.close()
                p.await().exceptionOrNull()!!.message shouldContain "closed before it could be sent"
            }
        }
    })
