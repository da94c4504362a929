package dev.mqttflow.client

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.testing.InMemoryBroker
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/** The client's acknowledgement and stream rules, on the kit's in-memory broker. */
class MqttFlowClientTest :
    FunSpec({
        val config = MqttFlowConfig(host = "in-memory")

        suspend fun clientOn(broker: InMemoryBroker, id: String = "client"): MqttFlowClient =
            MqttFlowClient.open(broker.connection(id), config)

        test("a QoS 1 message is acknowledged once, after the collector returned from it") {
            runBlocking {
                val broker = InMemoryBroker()
                val client = clientOn(broker)
                client.subscribe("humidity/#", qos = 1)
                broker.publish("humidity/cellar", "71", qos = 1)
                val seen = client.messages().map { msg ->
                    broker.unacknowledged("client").map { it.text } shouldBe listOf("71") // held while we look
                    msg.text
                }.first()
                seen shouldBe "71"
                broker.unacknowledged("client").shouldBeEmpty()
                client.disconnect()
            }
        }

        test("a collector that throws still acknowledges the message, and the next collector gets the rest") {
            runBlocking {
                val broker = InMemoryBroker()
                val client = clientOn(broker)
                client.subscribe("t/#", qos = 1)
                broker.publish("t/a", "bad", qos = 1)
                broker.publish("t/b", "good", qos = 1)
                val error = shouldThrow<IllegalStateException> {
                    client.messages().collect { error("cannot read ${it.text}") }
                }
                error.message shouldBe "cannot read bad"
                broker.unacknowledged("client").map { it.text } shouldBe listOf("good")
                client.messages().first().text shouldBe "good"
                broker.unacknowledged("client").shouldBeEmpty()
                client.disconnect()
            }
        }

        test("messages that arrive before anyone collects wait for the collector") {
            runBlocking {
                val broker = InMemoryBroker()
                val client = clientOn(broker)
                client.subscribe("t/#", qos = 1)
                repeat(5) { broker.publish("t/x", "m$it", qos = 1) }
                client.messages().take(5).toList().map { it.text } shouldBe (0 until 5).map { "m$it" }
                broker.unacknowledged("client").shouldBeEmpty()
                client.disconnect()
            }
        }

        test("publish goes to the broker; subscribe and publish check their input naming it") {
            runBlocking {
                val broker = InMemoryBroker()
                val client = clientOn(broker)
                client.publish("t/out", "x", qos = 1, retain = true)
                broker.retained("t/out")?.text shouldBe "x"
                shouldThrow<InvalidTopicException> { client.publish("t/+", "x") }.topic shouldBe "t/+"
                shouldThrow<IllegalArgumentException> { client.subscribe("t/#", qos = 3) }.message shouldContain "3"
                client.disconnect()
            }
        }

        test("a second collector at the same time is refused with a message that says why") {
            runBlocking {
                val broker = InMemoryBroker()
                val client = clientOn(broker)
                val started = CompletableDeferred<Unit>()
                val first = launch {
                    client.messages().collect { }
                }
                launch {
                    yield()
                    started.complete(Unit)
                }
                started.await()
                val error = shouldThrow<IllegalStateException> { client.messages().first() }
                error.message shouldContain "already being collected"
                first.cancel()
                client.disconnect()
            }
        }

        test("disconnect ends the stream and the connection") {
            runBlocking {
                val broker = InMemoryBroker()
                val client = clientOn(broker)
                client.subscribe("t/#", qos = 1)
                broker.publish("t/x", "never read", qos = 1)
                client.disconnect()
                client.messages().toList().shouldHaveSize(0)
                broker.connectedClients.shouldBeEmpty()
            }
        }
    })
