package dev.mqttflow.testing

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.requireQos
import dev.mqttflow.routing.TopicIndex
import dev.mqttflow.routing.Topics

/**
 * An MQTT broker in memory, for tests: the fake behind [consumerTest], usable on its own too
 * (`MqttFlow(connectionFactory = { broker.connection("app") })` runs a whole application against it).
 *
 * It follows MQTT's rules where a consumer can tell the difference:
 * - a message reaches a client only if one of its subscriptions matches the topic (`+`, `#`, and
 *   topics starting with `$` are not matched by a leading wildcard);
 * - a client whose subscriptions overlap gets the message once, at the highest QoS among them;
 * - the delivered QoS is the lower of the publish's and the subscription's;
 * - a retained message is kept per topic (an empty retained payload deletes it) and is delivered,
 *   flagged `retain`, to every new subscription that matches it; live deliveries are not flagged;
 * - a shared subscription (`$share/{group}/{filter}`) gets each message on one member of the
 *   group, and no retained messages;
 * - unsubscribing stops delivery; a client receives its own publishes when it is subscribed.
 *
 * Everything happens at once, in the caller's thread: messages are queued to each client's
 * connection before [publish] returns. Thread-safe.
 *
 * [maxQos] is the highest QoS the broker grants (subscriptions asking for more are downgraded).
 */
public class InMemoryBroker @JvmOverloads constructor(public val maxQos: Int = 2) {
    private val lock = Any()
    private val clients = LinkedHashMap<String, InMemoryConnection>()
    private val trie = TopicIndex<Subscription>()
    private val retainedByTopic = LinkedHashMap<String, Message>()
    private val log = ArrayList<BrokerPublish>()
    private val shareTurns = HashMap<String, Int>()

    init {
        requireQos(maxQos)
    }

    /** One client's subscription to [filter]; identity is the pair. */
    internal data class Subscription(val client: InMemoryConnection, val filter: String)

    /**
     * A new client connection named [clientId]: a [BrokerConnection] to hand to the runtime.
     * Connecting it while another connection with the same id is connected takes the session
     * over, as MQTT does: the older connection is closed.
     */
    public fun connection(clientId: String): BrokerConnection = InMemoryConnection(this, clientId)

    /**
     * Publishes as an outside client would: the message reaches every matching subscriber, and
     * with [retain] it is kept for future subscribers (an empty payload deletes the retained one).
     */
    @JvmOverloads
    public fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int = 0,
        retain: Boolean = false,
        properties: MessageProperties = MessageProperties.NONE,
    ) {
        accept(null, Publish(topic, payload, qos, retain, properties))
    }

    /** Publishes UTF-8 [text] as an outside client would; see the [ByteArray] overload. */
    @JvmOverloads
    public fun publish(topic: String, text: String, qos: Int = 0, retain: Boolean = false) {
        publish(topic, text.encodeToByteArray(), qos, retain)
    }

    /** The retained message on [topic], or null. Its `retain` flag is set. */
    public fun retained(topic: String): Message? = synchronized(lock) { retainedByTopic[topic] }

    /** Every retained message, by topic, in the order they were first retained. */
    public val retainedMessages: Map<String, Message>
        get() = synchronized(lock) { LinkedHashMap(retainedByTopic) }

    /** Every publish the broker accepted, in order, from clients and from [publish]. */
    public val publishes: List<BrokerPublish>
        get() = synchronized(lock) { log.toList() }

    /** What client [clientId] is subscribed to: filter to granted QoS; empty when it is not connected. */
    public fun subscriptions(clientId: String): Map<String, Int> =
        synchronized(lock) { clients[clientId]?.filters?.let(::LinkedHashMap) ?: emptyMap() }

    /** QoS 1/2 messages delivered to [clientId] that its runtime has not acknowledged yet. */
    public fun unacknowledged(clientId: String): List<Message> =
        synchronized(lock) { clients[clientId]?.unacked?.toList() ?: emptyList() }

    /** Ids of the connected clients. */
    public val connectedClients: Set<String>
        get() = synchronized(lock) { LinkedHashSet(clients.keys) }

    internal fun attach(client: InMemoryConnection) {
        val previous = synchronized(lock) {
            val old = clients.put(client.clientId, client)
            old?.let(::dropSubscriptions)
            old
        }
        previous?.takenOver()
    }

    internal fun detach(client: InMemoryConnection) {
        synchronized(lock) {
            if (clients[client.clientId] === client) clients.remove(client.clientId)
            dropSubscriptions(client)
        }
    }

    private fun dropSubscriptions(client: InMemoryConnection) {
        client.filters.keys.forEach { trie.remove(Topics.matchPart(it), Subscription(client, it)) }
        client.filters.clear()
    }

    internal fun subscribe(client: InMemoryConnection, filter: String, qos: Int): Int {
        Topics.validateFilter(filter)
        requireQos(qos)
        val granted = minOf(qos, maxQos)
        synchronized(lock) {
            if (client.filters.put(filter, granted) ==
                null
            ) {
                trie.add(Topics.matchPart(filter), Subscription(client, filter))
            }
            if (!filter.startsWith(Topics.SHARE_PREFIX)) {
                for (message in retainedByTopic.values) {
                    if (!Topics.matches(filter, message.topic)) continue
                    client.deliver(
                        Message(message.topic, message.payload, minOf(message.qos, granted), true, message.properties),
                    )
                }
            }
        }
        return granted
    }

    internal fun unsubscribe(client: InMemoryConnection, filter: String) {
        synchronized(lock) {
            if (client.filters.remove(filter) !=
                null
            ) {
                trie.remove(Topics.matchPart(filter), Subscription(client, filter))
            }
        }
    }

    internal fun acknowledge(client: InMemoryConnection, message: Message) {
        synchronized(lock) {
            val index = client.unacked.indexOfFirst { it === message }
            if (index >= 0) client.unacked.removeAt(index)
        }
    }

    internal fun accept(from: String?, publish: Publish) {
        Topics.validateTopic(publish.topic)
        synchronized(lock) {
            log += BrokerPublish(from, publish)
            if (publish.retain) retain(publish)
            for ((client, qos) in receivers(publish.topic)) {
                client.deliver(
                    Message(publish.topic, publish.payload, minOf(publish.qos, qos), false, publish.properties),
                )
            }
        }
    }

    private fun retain(publish: Publish) {
        if (publish.payload.isEmpty()) {
            retainedByTopic.remove(publish.topic)
        } else {
            retainedByTopic[publish.topic] =
                Message(publish.topic, publish.payload, publish.qos, true, publish.properties)
        }
    }

    /** Each receiving client once, with the highest QoS among its matching subscriptions. Called under [lock]. */
    private fun receivers(topic: String): Map<InMemoryConnection, Int> {
        val matches = trie.match(topic)
        val result = LinkedHashMap<InMemoryConnection, Int>()
        fun grant(client: InMemoryConnection, filter: String) {
            val qos = client.filters[filter] ?: return
            result[client] = maxOf(result[client] ?: 0, qos)
        }
        val groups = LinkedHashMap<String, MutableList<Subscription>>()
        for (subscription in matches.sortedBy { it.client.clientId + "\u0000" + it.filter }) {
            val share = shareGroup(subscription.filter)
            if (share == null) {
                grant(subscription.client, subscription.filter)
            } else {
                groups.getOrPut(share) { ArrayList() } += subscription
            }
        }
        for ((group, members) in groups) {
            val turn = shareTurns.merge(group, 1, Int::plus)!! - 1
            val chosen = members[turn % members.size]
            grant(chosen.client, chosen.filter)
        }
        return result
    }

    /** `group/filter` for `$share/group/filter`, else null: members of one group share its messages. */
    private fun shareGroup(filter: String): String? =
        if (filter.startsWith(Topics.SHARE_PREFIX)) filter.removePrefix(Topics.SHARE_PREFIX) else null

    override fun toString(): String = synchronized(lock) {
        "InMemoryBroker(clients=${clients.keys}, retained=${retainedByTopic.size}, publishes=${log.size})"
    }
}

/** A publish the [InMemoryBroker] accepted. */
public data class BrokerPublish(
    /** The publishing client's id; null for [InMemoryBroker.publish] (the test, as an outside client). */
    public val from: String?,
    /** What it published. */
    public val publish: Publish,
)
