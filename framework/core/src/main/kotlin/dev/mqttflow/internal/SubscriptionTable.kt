package dev.mqttflow.internal

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.routing.MatchSet
import dev.mqttflow.routing.TopicTrie
import dev.mqttflow.routing.Topics
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

/**
 * Who holds which filter. The broker sees one SUBSCRIBE per filter, at the highest QoS any
 * holder asked for, and one UNSUBSCRIBE when the last holder lets go. Matching (the hot path)
 * takes no lock ([TopicTrie] is single-writer, many-reader); changes are serialised by [mutex].
 */
internal class SubscriptionTable<W : Any>(
    private val connection: BrokerConnection,
    /** True when retained messages matching the filter were already routed to its holders. */
    private val hasRetained: (filter: String) -> Boolean = { false },
) {
    private class Entry<W>(val holders: MutableMap<W, Int> = LinkedHashMap(), var brokerQos: Int = -1)

    private val mutex = Mutex()
    private val entries = HashMap<String, Entry<W>>()
    private val trie = TopicTrie<W>()

    /** The holders whose filters match [topic], each once; lock-free, any thread (one [into] per thread). */
    fun match(topic: String, into: MatchSet<W>) {
        trie.match(topic, into)
    }

    suspend fun subscribe(holder: W, filter: String, qos: Int) {
        Topics.validateFilter(filter)
        mutex.withLock {
            val entry = entries.getOrPut(filter) { Entry() }
            val previous = entry.holders.put(holder, qos)
            if (previous == null) trie.add(Topics.matchPart(filter), holder)
            val wanted = entry.holders.values.max()
            // A new holder of a filter the broker already has gets no retained messages from it. If
            // some were routed already, SUBSCRIBE again (MQTT replaces, not adds, the subscription)
            // so the broker re-sends them; the router gives them to the new holder only.
            val joining = previous == null && entry.brokerQos >= 0 && hasRetained(filter)
            if (wanted > entry.brokerQos || joining) {
                try {
                    connection.subscribe(filter, maxOf(wanted, entry.brokerQos))
                    entry.brokerQos = maxOf(wanted, entry.brokerQos)
                } catch (e: Exception) {
                    rollBack(holder, filter, entry, previous)
                    throw e
                }
            }
        }
    }

    private fun rollBack(holder: W, filter: String, entry: Entry<W>, previous: Int?) {
        if (previous != null) {
            entry.holders[holder] = previous
            return
        }
        entry.holders.remove(holder)
        trie.remove(Topics.matchPart(filter), holder)
        if (entry.holders.isEmpty()) entries.remove(filter)
    }

    /** Returns false if [holder] did not hold [filter]. */
    suspend fun unsubscribe(holder: W, filter: String): Boolean = mutex.withLock {
        val entry = entries[filter] ?: return@withLock false
        if (entry.holders.remove(holder) == null) return@withLock false
        trie.remove(Topics.matchPart(filter), holder)
        if (entry.holders.isEmpty()) {
            entries.remove(filter)
            if (entry.brokerQos >= 0) connection.unsubscribe(filter)
        }
        true
    }

    /** Drops every filter [holder] held; errors from the broker are returned, not thrown. */
    suspend fun releaseAll(holder: W): List<Exception> {
        val held = mutex.withLock { entries.filterValues { holder in it.holders }.keys.toList() }
        return held.mapNotNull { filter ->
            try {
                unsubscribe(holder, filter)
                null
            } catch (e: Exception) {
                e
            }
        }
    }

    /** Each holder's filters with the QoS it asked for (for a status page). */
    suspend fun byHolder(): Map<W, Map<String, Int>> = mutex.withLock {
        val out = HashMap<W, MutableMap<String, Int>>()
        for ((filter, entry) in entries) {
            for ((holder, qos) in entry.holders) out.getOrPut(holder) { sortedMapOf() }[filter] = qos
        }
        out
    }

    /** Filters and the QoS the broker should have them at, for re-subscribing after a reconnect. */
    suspend fun snapshot(): Map<String, Int> = mutex.withLock {
        entries.mapValues { (_, e) -> e.holders.values.max() }
    }
}
