package dev.mqttflow.routing

import dev.mqttflow.InternalMqttFlowApi

/**
 * A reusable result of a topic match: distinct values in the order they were added, plus the
 * scratch space a match walks with. Once it has grown to the largest match seen, [clear] and
 * [add] allocate nothing, so a router that keeps one per thread matches without garbage.
 *
 * Values are compared with `equals`/`hashCode`. Up to [LINEAR_LIMIT] values are deduplicated by a
 * scan (faster than hashing for the usual handful); past that an open-addressing index of slots
 * stamped with a generation, so [clear] is O(1) however large the last match was.
 *
 * Not thread-safe: one per thread (the scratch space is what makes [TopicTrie] matches lock-free
 * and allocation-free for many threads at once).
 */
@InternalMqttFlowApi
public class MatchSet<V : Any> {
    private var items: Array<Any?> = arrayOfNulls(INITIAL)

    /** The number of distinct values. */
    public var size: Int = 0
        private set

    private var slots = IntArray(0) // item index + 1 per slot, valid only where stamps == generation
    private var stamps = IntArray(0)
    private var generation = 1
    private var indexed = 0 // items[0 until indexed] are in the slot index

    /** Two frontiers of trie nodes, swapped level by level by [TopicTrie.match]. */
    internal var current: Array<Any?> = arrayOfNulls(INITIAL)
    internal var next: Array<Any?> = arrayOfNulls(INITIAL)

    /** Whether no value was added since the last [clear]. */
    public fun isEmpty(): Boolean = size == 0

    /** The value at [index], in the order of adding (`0 until size`). */
    @Suppress("UNCHECKED_CAST")
    public operator fun get(index: Int): V {
        require(index in 0 until size) { "index $index out of 0 until $size" }
        return items[index] as V
    }

    /** Forgets every value; keeps the space. */
    public fun clear() {
        java.util.Arrays.fill(items, 0, size, null)
        size = 0
        indexed = 0
        generation++
        if (generation == Int.MAX_VALUE) {
            generation = 1
            stamps.fill(0)
        }
    }

    /** Adds [value] unless it is here already; returns whether it was added. */
    public fun add(value: V): Boolean {
        if (contains(value)) return false
        if (size == items.size) items = items.copyOf(size * 2)
        items[size++] = value
        return true
    }

    /** Adds every one of [values] (a trie node's, a non-empty array of distinct `V`s). */
    internal fun addAll(values: Array<Any>) {
        @Suppress("UNCHECKED_CAST")
        for (v in values) add(v as V)
    }

    /** Whether [value] is here. */
    public operator fun contains(value: V): Boolean {
        if (size <= LINEAR_LIMIT) {
            for (i in 0 until size) {
                val item = items[i]
                if (item === value || item == value) return true
            }
            return false
        }
        index()
        val mask = slots.size - 1
        var slot = spread(value.hashCode()) and mask
        while (stamps[slot] == generation) {
            if (items[slots[slot] - 1] == value) return true
            slot = (slot + 1) and mask
        }
        return false
    }

    /** Removes the values [predicate] accepts, keeping the others in order. */
    public inline fun removeIf(predicate: (V) -> Boolean) {
        var kept = 0
        for (i in 0 until size) {
            val v = this[i]
            if (!predicate(v)) keep(kept++, v)
        }
        truncate(kept)
    }

    /** Moves [value] to [index]; for [removeIf] only. */
    @PublishedApi
    internal fun keep(index: Int, value: V) {
        items[index] = value
    }

    /** Drops values from [newSize] on; for [removeIf] only. */
    @PublishedApi
    internal fun truncate(newSize: Int) {
        java.util.Arrays.fill(items, newSize, size, null)
        size = newSize
        indexed = 0
        generation++
    }

    /** The values as a new set, for callers off the hot path. */
    public fun toSet(): Set<V> = LinkedHashSet<V>(size * 2).also { set -> for (i in 0 until size) set.add(this[i]) }

    override fun toString(): String = toSet().toString()

    /** Brings the slot index up to date with [items] (values added by a scan before it was needed). */
    private fun index() {
        if (slots.size < size * 2 + 2) {
            val capacity = Integer.highestOneBit((size + 1) * GROWTH)
            slots = IntArray(capacity)
            stamps = IntArray(capacity)
            generation = 1
            indexed = 0
        }
        val mask = slots.size - 1
        while (indexed < size) {
            var slot = spread(items[indexed].hashCode()) and mask
            while (stamps[slot] == generation) slot = (slot + 1) and mask
            stamps[slot] = generation
            slots[slot] = ++indexed
        }
    }

    /** Makes room for [needed] nodes in both frontiers. */
    internal fun frontierCapacity(needed: Int) {
        if (current.size >= needed && next.size >= needed) return
        val capacity = maxOf(needed, current.size * 2)
        current = current.copyOf(capacity)
        next = next.copyOf(capacity)
    }

    private companion object {
        const val INITIAL = 8
        const val LINEAR_LIMIT = 8
        const val GROWTH = 4 // the slot index is at most half full after indexing
        const val SPREAD_SHIFT = 16

        fun spread(h: Int) = h xor (h ushr SPREAD_SHIFT)
    }
}
