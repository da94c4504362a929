package dev.mqttflow.testing

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.protocol.Publish
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.maps.shouldBeEmpty
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest

/** A client of the broker under test: what it received, as `topic=payload` strings and as messages. */
private class Client(val connection: BrokerConnection) {
    val inbound = ArrayList<InboundMessage>()
    val received: List<String> get() = inbound.map { "${it.message.topic}=${it.message.text}" }
    val messages get() = inbound.map { it.message }
}

private suspend fun TestScope.client(broker: InMemoryBroker, id: String): Client {
    val client = Client(broker.connection(id))
    backgroundScope.launch(start = CoroutineStart.UNDISPATCHED) {
        client.connection.messages().collect { client.inbound += it }
    }
    client.connection.connect()
    return client
}

class InMemoryBrokerTest :
    FunSpec({
        test("a message reaches a subscriber whose filter matches, with + and # wildcards") {
            runTest {
                val broker = InMemoryBroker()
                val plus = client(broker, "plus").apply { connection.subscribe("home/+/temp", 0) }
                val hash = client(broker, "hash").apply { connection.subscribe("home/#", 0) }
                broker.publish("home/kitchen/temp", "21")
                broker.publish("home", "root")
                broker.publish("home/kitchen/humidity", "40")
                runCurrent()
                plus.received shouldContainExactly listOf("home/kitchen/temp=21")
                hash.received shouldContainExactly
                    listOf("home/kitchen/temp=21", "home=root", "home/kitchen/humidity=40")
            }
        }

        test("a message reaches no one whose filter does not match") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("home/+/temp", 0) }
                broker.publish("home/kitchen/sink/temp", "too deep")
                broker.publish("garden/kitchen/temp", "other root")
                broker.publish("home/kitchen", "too short")
                runCurrent()
                c.received.shouldBeEmpty()
            }
        }

        test("topics starting with a dollar sign are not matched by a leading wildcard") {
            runTest {
                val broker = InMemoryBroker()
                val all = client(broker, "all").apply {
                    connection.subscribe("#", 0)
                    connection.subscribe("+/broker/load", 0)
                }
                val sys = client(broker, "sys").apply { connection.subscribe("\$SYS/#", 0) }
                broker.publish("\$SYS/broker/load", "0.5")
                runCurrent()
                all.received.shouldBeEmpty()
                sys.received shouldContainExactly listOf("\$SYS/broker/load=0.5")
            }
        }

        test("the delivered QoS is the lower of the publish's and the subscription's") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("q/#", 1) }
                broker.publish("q/a", "x", qos = 2)
                broker.publish("q/b", "y", qos = 0)
                broker.publish("q/c", "z", qos = 1)
                runCurrent()
                c.messages.map { it.qos } shouldContainExactly listOf(1, 0, 1)
            }
        }

        test("overlapping subscriptions of one client deliver a message once, at their highest QoS") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply {
                    connection.subscribe("a/#", 0)
                    connection.subscribe("a/+", 2)
                }
                broker.publish("a/b", "once", qos = 2)
                runCurrent()
                c.messages.map { it.topic to it.qos } shouldContainExactly listOf("a/b" to 2)
            }
        }

        test("a retained message is delivered, flagged retained, to each later subscription that matches") {
            runTest {
                val broker = InMemoryBroker()
                broker.publish("status/door", "open", qos = 1, retain = true)
                broker.publish("status/window", "closed", qos = 0, retain = true)
                val c = client(broker, "c")
                c.connection.subscribe("status/door", 2)
                runCurrent()
                c.messages.map { Triple(it.topic, it.qos, it.retain) } shouldContainExactly
                    listOf(Triple("status/door", 1, true))
                broker.retained("status/window")?.text shouldBe "closed"
            }
        }

        test("live deliveries are not flagged retained, and an empty retained payload deletes the message") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("s/#", 0) }
                broker.publish("s/x", "1", retain = true)
                broker.publish("s/x", "", retain = true)
                runCurrent()
                c.messages.map { it.retain } shouldContainExactly listOf(false, false)
                broker.retained("s/x").shouldBeNull()
                val late = client(broker, "late").apply { connection.subscribe("s/#", 0) }
                runCurrent()
                late.received.shouldBeEmpty()
            }
        }

        test("unsubscribing stops delivery") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("u/#", 0) }
                broker.publish("u/1", "before")
                c.connection.unsubscribe("u/#")
                broker.publish("u/2", "after")
                runCurrent()
                c.received shouldContainExactly listOf("u/1=before")
                broker.subscriptions("c").shouldBeEmpty()
            }
        }

        test("a client receives its own publishes when it is subscribed, and the broker logs who published") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("echo", 0) }
                c.connection.publish(Publish("echo", "me"))
                broker.publish("echo", "them")
                runCurrent()
                c.received shouldContainExactly listOf("echo=me", "echo=them")
                broker.publishes.map { it.from } shouldContainExactly listOf("c", null)
            }
        }

        test("a shared subscription delivers each message to one member in turn, and no retained messages") {
            runTest {
                val broker = InMemoryBroker()
                broker.publish("jobs/old", "retained", retain = true)
                val a = client(broker, "a").apply { connection.subscribe("\$share/g/jobs/+", 1) }
                val b = client(broker, "b").apply { connection.subscribe("\$share/g/jobs/+", 1) }
                repeat(4) { broker.publish("jobs/new", "$it") }
                runCurrent()
                (a.received + b.received).sorted() shouldContainExactly (0..3).map { "jobs/new=$it" }
                a.received shouldHaveSize 2
                b.received shouldHaveSize 2
            }
        }

        test("the broker grants at most its maximum QoS") {
            runTest {
                val broker = InMemoryBroker(maxQos = 1)
                val c = client(broker, "c")
                c.connection.subscribe("x", 2) shouldBe 1
                broker.subscriptions("c") shouldBe mapOf("x" to 1)
            }
        }

        test("QoS 1 messages stay unacknowledged until the receiver acknowledges them") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("a", 1) }
                broker.publish("a", "1", qos = 1)
                broker.publish("a", "0", qos = 0)
                runCurrent()
                broker.unacknowledged("c").map { it.text } shouldContainExactly listOf("1")
                c.inbound.forEach { it.ack() }
                broker.unacknowledged("c").shouldBeEmpty()
            }
        }

        test("invalid topics and filters are refused, naming them") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c")
                shouldThrow<InvalidTopicException> { broker.publish("a/+", "x") }.topic shouldBe "a/+"
                shouldThrow<InvalidTopicException> { c.connection.subscribe("a/#/b", 0) }.topic shouldBe "a/#/b"
            }
        }

        test("a disconnected client cannot publish, and its subscriptions are gone") {
            runTest {
                val broker = InMemoryBroker()
                val c = client(broker, "c").apply { connection.subscribe("a", 0) }
                c.connection.disconnect()
                broker.subscriptions("c").shouldBeEmpty()
                broker.connectedClients.shouldBeEmpty()
                shouldThrow<ConnectionException> { c.connection.publish(Publish("a", "x")) }
            }
        }
    })
