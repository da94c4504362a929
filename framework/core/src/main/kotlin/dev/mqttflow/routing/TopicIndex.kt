package dev.mqttflow.routing

import dev.mqttflow.InternalMqttFlowApi

/**
 * mqttflow's topic trie for its own modules (the test kit's in-memory broker, the benchmarks):
 * filters mapped to values, matched with MQTT rules. Same contract as the runtime's router:
 * the caller validates filters with [Topics.validateFilter] and strips a `$share/{group}/` prefix
 * with [Topics.matchPart]; one writer at a time ([add], [remove], [filters]), any number of
 * concurrent [match]es, without a lock; [match] into a reused [MatchSet] allocates nothing.
 */
@InternalMqttFlowApi
public class TopicIndex<V : Any> {
    private val trie = TopicTrie<V>()

    /** The number of filter/value pairs. */
    public val size: Int get() = trie.size

    /** Adds [value] under [filter]; true if the pair was new. */
    public fun add(filter: String, value: V): Boolean = trie.add(filter, value)

    /** Removes [value] from [filter]; true if the pair was there. */
    public fun remove(filter: String, value: V): Boolean = trie.remove(filter, value)

    /** The distinct values whose filters match [topic], as a new set. */
    public fun match(topic: String): Set<V> = trie.match(topic)

    /** Adds the distinct values whose filters match [topic] to [into] (one [MatchSet] per thread). */
    public fun match(topic: String, into: MatchSet<V>): Unit = trie.match(topic, into)

    /** Every filter that has at least one value. */
    public fun filters(): Set<String> = trie.filters()
}
