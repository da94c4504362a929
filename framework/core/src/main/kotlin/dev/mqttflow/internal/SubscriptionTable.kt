package dev.mqttflow.internal

import dev.mqttflow.connection.BrokerConnection
import dev.mqttflow.routing.MatchSet
import dev.mqttflow.routing.TopicTrie
import dev.mqttflow.routing.Topics
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.slf4j.LoggerFactory

/**
 * Who holds which filter. The broker sees one SUBSCRIBE per filter, at the highest QoS any
 * holder asked for, and one UNSUBSCRIBE when the last holder lets go. Matching (the hot path)
 * takes no lock ([TopicTrie] is single-writer, many-reader); changes are serialised by [mutex].
 *
 * In an instance [group], a shared subscription is kept under its broker form
 * `$share/{group}/{filter}` (see [ShareGroups.brokerFilter]) and matched on the bare filter.
 */
internal class SubscriptionTable<W : Any>(
    private val connection: BrokerConnection,
    /** The instance group; null: every filter is sent as it is. */
    private val group: String? = null,
    /** True when retained messages matching the filter were already routed to its holders. */
    private val hasRetained: (filter: String) -> Boolean = { false },
) {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")

    private class Entry<W>(val holders: MutableMap<W, Int> = LinkedHashMap(), var brokerQos: Int = -1)

    private val mutex = Mutex()
    private val entries = HashMap<String, Entry<W>>()
    private val trie = TopicTrie<W>()

    /** The holders whose filters match [topic], each once; lock-free, any thread (one [into] per thread). */
    fun match(topic: String, into: MatchSet<W>) {
        trie.match(topic, into)
    }

    suspend fun subscribe(holder: W, bare: String, qos: Int, shared: Boolean = true) {
        Topics.validateFilter(bare)
        val filter = ShareGroups.brokerFilter(group, bare, shared)
        mutex.withLock {
            if (group != null && filter !in entries) warnOverlap(filter)
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

    /**
     * A shared and a plain subscription that overlap both deliver a message on every instance,
     * and routing (on the bare filter) cannot tell the copies apart: the shared holder then
     * handles it on every instance. Said once per pair, as the subscription is made.
     */
    private fun warnOverlap(filter: String) {
        val shared = filter.startsWith(Topics.SHARE_PREFIX)
        val other = entries.keys.firstOrNull {
            it.startsWith(Topics.SHARE_PREFIX) != shared && ShareGroups.overlap(it, filter)
        } ?: return
        log.warn(
            "group '{}': the shared subscription '{}' overlaps the per-instance subscription '{}': " +
                "messages on both reach the shared one's consumer on every instance (see docs/deploy.md)",
            group,
            if (shared) filter else other,
            if (shared) other else filter,
        )
    }

    /**
     * Returns false if [holder] did not hold [filter], given as the consumer wrote it: in a group
     * its shared form is looked up first, then the plain one.
     */
    suspend fun unsubscribe(holder: W, filter: String): Boolean = mutex.withLock {
        val shared = ShareGroups.brokerFilter(group, filter, shared = true)
        val key = if (entries[shared]?.holders?.containsKey(holder) == true) shared else filter
        unsubscribeLocked(holder, key)
    }

    private suspend fun unsubscribeLocked(holder: W, filter: String): Boolean {
        val entry = entries[filter] ?: return false
        if (entry.holders.remove(holder) == null) return false
        trie.remove(Topics.matchPart(filter), holder)
        if (entry.holders.isEmpty()) {
            entries.remove(filter)
            if (entry.brokerQos >= 0) connection.unsubscribe(filter)
        }
        return true
    }

    /** Drops every filter [holder] held; errors from the broker are returned, not thrown. */
    suspend fun releaseAll(holder: W): List<Exception> {
        val held = mutex.withLock { entries.filterValues { holder in it.holders }.keys.toList() }
        return held.mapNotNull { filter ->
            try {
                mutex.withLock { unsubscribeLocked(holder, filter) }
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
