package dev.mqttflow.internal

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.connection.ConnectionEvent
import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.errors.SubscribeException
import dev.mqttflow.protocol.Publish
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emptyFlow

/** Records the broker calls; refuses filters listed in [refuse]. */
private class BrokerLog(val refuse: Set<String> = emptySet()) : BrokerConnection {
    val calls = mutableListOf<String>()

    override fun messages(): Flow<InboundMessage> = emptyFlow()

    override fun events(): Flow<ConnectionEvent> = emptyFlow()

    override suspend fun connect() = ConnectionEvent.Connected(false)

    override suspend fun subscribe(filter: String, qos: Int): Int {
        if (filter in refuse) throw SubscribeException(filter, "NOT_AUTHORIZED")
        calls += "SUB $filter $qos"
        return qos
    }

    override suspend fun unsubscribe(filter: String) {
        calls += "UNSUB $filter"
    }

    override suspend fun publish(publish: Publish) = Unit

    override suspend fun disconnect() = Unit
}

class SubscriptionTableTest :
    FunSpec({
        fun matches(table: SubscriptionTable<String>, topic: String) =
            dev.mqttflow.routing.MatchSet<String>().also { table.match(topic, it) }.toSet()

        test("two holders of one filter make one SUBSCRIBE and one UNSUBSCRIBE, after the last lets go") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker)
            table.subscribe("a", "x/#", 0)
            table.subscribe("b", "x/#", 0)
            table.unsubscribe("a", "x/#") shouldBe true
            broker.calls shouldContainExactly listOf("SUB x/# 0")
            matches(table, "x/1") shouldBe setOf("b")
            table.unsubscribe("b", "x/#") shouldBe true
            broker.calls shouldContainExactly listOf("SUB x/# 0", "UNSUB x/#")
            matches(table, "x/1") shouldBe emptySet()
        }

        test("a higher QoS from a second holder re-subscribes at that QoS; a lower one does not") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker)
            table.subscribe("a", "q", 1)
            table.subscribe("b", "q", 0)
            table.subscribe("c", "q", 2)
            broker.calls shouldContainExactly listOf("SUB q 1", "SUB q 2")
        }

        test("a refused subscription is rolled back: no routing, no later UNSUBSCRIBE") {
            val broker = BrokerLog(refuse = setOf("secret/#"))
            val table = SubscriptionTable<String>(broker)
            shouldThrow<SubscribeException> { table.subscribe("a", "secret/#", 1) }.message shouldBe
                "subscribe to 'secret/#' failed: NOT_AUTHORIZED"
            matches(table, "secret/x") shouldBe emptySet()
            table.unsubscribe("a", "secret/#") shouldBe false
            broker.calls shouldBe emptyList()
        }

        test("an invalid filter is refused before the broker hears of it") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker)
            shouldThrow<InvalidTopicException> { table.subscribe("a", "a/#/b", 0) }.message!!.contains("a/#/b") shouldBe
                true
            broker.calls shouldBe emptyList()
        }

        test("a shared subscription routes on its filter part and is refcounted by its full name") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker)
            table.subscribe("a", "\$share/g/s/+", 1)
            matches(table, "s/1") shouldBe setOf("a")
            broker.calls shouldContainExactly listOf("SUB \$share/g/s/+ 1")
        }

        test("releaseAll drops every filter of one holder and leaves the others") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker)
            table.subscribe("a", "one", 0)
            table.subscribe("a", "two", 0)
            table.subscribe("b", "two", 0)
            table.releaseAll("a") shouldBe emptyList()
            broker.calls shouldContainExactly listOf("SUB one 0", "SUB two 0", "UNSUB one")
            table.snapshot() shouldBe mapOf("two" to 0)
        }

        test("a new holder re-subscribes a held filter only when retained messages for it were routed") {
            val broker = BrokerLog()
            var retainedSeen = false
            val table = SubscriptionTable<String>(broker) { retainedSeen }
            table.subscribe("a", "state/#", 1)
            table.subscribe("b", "state/#", 1)
            broker.calls shouldContainExactly listOf("SUB state/# 1")
            retainedSeen = true
            table.subscribe("c", "state/#", 0)
            broker.calls shouldContainExactly listOf("SUB state/# 1", "SUB state/# 1")
        }

        test("in a group a filter is subscribed as \$share/{group}/{filter}, routed bare, unsubscribed as shared") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker, group = "g")
            table.subscribe("a", "x/+", 1)
            broker.calls shouldContainExactly listOf("SUB \$share/g/x/+ 1")
            matches(table, "x/1") shouldBe setOf("a")
            table.snapshot() shouldBe mapOf("\$share/g/x/+" to 1)
            table.byHolder() shouldBe mapOf("a" to mapOf("\$share/g/x/+" to 1))
            table.unsubscribe("a", "x/+") shouldBe true
            broker.calls shouldContainExactly listOf("SUB \$share/g/x/+ 1", "UNSUB \$share/g/x/+")
            matches(table, "x/1") shouldBe emptySet()
        }

        test("in a group shared = false keeps the filter per instance, beside a shared one of the same filter") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker, group = "g")
            table.subscribe("state", "x/1", 0, shared = false)
            table.subscribe("worker", "x/1", 1)
            broker.calls shouldContainExactly listOf("SUB x/1 0", "SUB \$share/g/x/1 1")
            table.unsubscribe("state", "x/1") shouldBe true
            table.unsubscribe("worker", "x/1") shouldBe true
            broker.calls shouldContainExactly
                listOf("SUB x/1 0", "SUB \$share/g/x/1 1", "UNSUB x/1", "UNSUB \$share/g/x/1")
        }

        test("releaseAll in a group lets go of the shared form") {
            val broker = BrokerLog()
            val table = SubscriptionTable<String>(broker, group = "g")
            table.subscribe("a", "x/#", 0)
            table.releaseAll("a") shouldBe emptyList()
            broker.calls shouldContainExactly listOf("SUB \$share/g/x/# 0", "UNSUB \$share/g/x/#")
        }
    })
