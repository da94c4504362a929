package dev.mqttflow.routing

import java.lang.invoke.VarHandle

/**
 * Topic filters mapped to values (the workers subscribed to them), for routing each incoming topic
 * to every value whose filter matches it, with MQTT rules (see [Topics]).
 *
 * Filters are stored exactly as given, one trie level per topic level. The caller validates them
 * with [Topics.validateFilter] and strips a shared subscription's `$share/{group}/` prefix with
 * [Topics.matchPart] before calling [add] or [remove]. Values are compared with `equals`/`hashCode`;
 * [match] gives each matching value once even when several of its filters match.
 *
 * **Threads.** One writer at a time ([add], [remove], [filters]: the caller serialises them), any
 * number of readers ([match], [size]) at the same time, without a lock. A node's values are an
 * immutable array replaced on each change, its literal children an open-addressing table of
 * immutable entries ([Children]); a change publishes what it built through a volatile write, so a
 * reader sees every filter either wholly before or wholly after a change, never a half-built one.
 * A match walks the topic in place (levels are compared as regions of the topic, no substrings)
 * with the caller's [MatchSet] as scratch space, so it allocates nothing once that set has grown.
 *
 * Why not one immutable snapshot per change: every subscribe would copy the trie (or, path-copying,
 * every table on the path); with 100,000 workers under one level (`w/1` ... `w/100000`) that is
 * quadratic. Here a change costs the length of its filter, plus amortised table growth.
 */
internal class TopicTrie<V : Any> {
    private val root = Node()

    /** The number of filter/value pairs in the trie. */
    @Volatile
    var size: Int = 0
        private set

    /** Whether the trie holds no filter at all. */
    fun isEmpty(): Boolean = size == 0

    /** Adds [value] under [filter]; returns `true` if that pair was not in the trie yet. Writer only. */
    fun add(filter: String, value: V): Boolean {
        var node = root
        var start = 0
        while (true) {
            val end = levelEnd(filter, start)
            node = node.childFor(filter, start, end)
            if (end == filter.length) break
            start = end + 1
        }
        val values = node.values
        if (values.contains(value)) return false
        node.filter = filter
        node.values = values.copyOf(values.size + 1).also { it[values.size] = value }.requireNoNulls()
        size++
        return true
    }

    /**
     * Removes [value] from [filter]; returns `true` if that pair was in the trie. Nodes left without
     * filters or children are unlinked, so the trie does not grow with subscription churn. Writer only.
     */
    fun remove(filter: String, value: V): Boolean {
        val path = ArrayList<Node>()
        val keys = ArrayList<String>()
        var node = root
        var start = 0
        while (true) {
            val end = levelEnd(filter, start)
            val key = filter.substring(start, end)
            path.add(node)
            keys.add(key)
            node = node.child(key) ?: return false
            if (end == filter.length) break
            start = end + 1
        }
        val values = node.values
        val at = values.indexOf(value)
        if (at < 0) return false
        node.values = if (values.size == 1) NO_VALUES else values.filterIndexed { i, _ -> i != at }.toTypedArray()
        if (values.size == 1) node.filter = null
        size--
        var i = path.size - 1
        while (i >= 0 && node.isEmpty()) {
            val parent = path[i]
            parent.removeChild(keys[i])
            node = parent
            i--
        }
        return true
    }

    /** The distinct values of all filters that match [topic], as a new set (off the hot path). */
    fun match(topic: String): Set<V> = MatchSet<V>().also { match(topic, it) }.toSet()

    /**
     * Adds the values of all filters that match [topic] to [into], which keeps what it already holds;
     * each value once. Allocates nothing once [into] has grown to the largest match.
     */
    fun match(topic: String, into: MatchSet<V>) {
        if (size == 0) return
        into.frontierCapacity(1)
        into.current[0] = root
        var count = 1
        var start = 0 // start of the current topic level, -1 past the last one
        while (start >= 0 && count > 0) {
            val end = levelEnd(topic, start)
            count = advance(topic, start, end, count, into)
            start = if (end < topic.length) end + 1 else -1
        }
        // The topic is exhausted: filters ending here match, and so does '#' below them ("sport/#" matches "sport").
        val current = into.current
        for (i in 0 until count) {
            val node = current[i] as Node
            current[i] = null
            addValues(node.values, into)
            node.multi?.let { addValues(it.values, into) }
        }
    }

    /**
     * Moves the frontier of [into] one level on, the level `topic[start, end)`: collects the `#`
     * children's values and puts the `+` and literal children in the next frontier; returns its size.
     */
    private fun advance(topic: String, start: Int, end: Int, count: Int, into: MatchSet<V>): Int {
        // MQTT 4.7.2: wildcards in the first level do not match topics starting with '$' (only the root is there)
        val dollar = start == 0 && end > 0 && topic[0] == '$'
        into.frontierCapacity(count * 2) // each node adds at most two: its '+' child and its literal child
        val current = into.current
        val next = into.next
        var nextCount = 0
        var hash = 0
        var hashed = false
        for (i in 0 until count) {
            val node = current[i] as Node
            current[i] = null
            if (!dollar || node !== root) {
                node.multi?.let { addValues(it.values, into) }
                node.single?.let { next[nextCount++] = it }
            }
            val children = node.children ?: continue
            if (!hashed) {
                hash = regionHash(topic, start, end)
                hashed = true
            }
            children.get(topic, start, end, hash)?.let { next[nextCount++] = it }
        }
        into.current = next
        into.next = current
        return nextCount
    }

    @Suppress("UNCHECKED_CAST")
    private fun addValues(values: Array<Any>, into: MatchSet<V>) {
        for (v in values) into.add(v as V)
    }

    /** Every filter that has at least one value, as it was given to [add]. Writer only. */
    fun filters(): Set<String> {
        val result = HashSet<String>()
        forEachNode { node -> node.filter?.let(result::add) }
        return result
    }

    override fun toString(): String = "TopicTrie(size=$size)"

    /** The number of trie nodes besides the root; lets tests check that [remove] prunes. */
    fun nodeCount(): Int {
        var count = -1
        forEachNode { count++ }
        return count
    }

    /** Visits every node, depth first, without recursion (a filter may have thousands of levels). */
    private inline fun forEachNode(action: (Node) -> Unit) {
        val stack = ArrayList<Node>()
        stack.add(root)
        while (stack.isNotEmpty()) {
            val node = stack.removeAt(stack.size - 1)
            action(node)
            node.children?.forEach(stack::add)
            node.single?.let(stack::add)
            node.multi?.let(stack::add)
        }
    }

    /** One topic level. Wildcard children are fields so matching needs no lookup for them. */
    private class Node {
        @Volatile var children: Children<Node>? = null

        @Volatile var single: Node? = null

        @Volatile var multi: Node? = null

        /** Values of the filter that ends at this node (immutable; replaced on change), empty when none. */
        @Volatile var values: Array<Any> = NO_VALUES

        /** That filter, kept for [filters] (writer only). */
        var filter: String? = null

        fun isEmpty(): Boolean = values.isEmpty() && children == null && single == null && multi == null

        fun child(key: String): Node? = when (key) {
            "+" -> single
            "#" -> multi
            else -> children?.get(key, 0, key.length, regionHash(key, 0, key.length))
        }

        /** The child for the level `filter[start, end)`, created if missing. */
        fun childFor(filter: String, start: Int, end: Int): Node {
            if (end - start == 1) {
                when (filter[start]) {
                    '+' -> return single ?: Node().also { single = it }
                    '#' -> return multi ?: Node().also { multi = it }
                }
            }
            val hash = regionHash(filter, start, end)
            children?.get(filter, start, end, hash)?.let { return it }
            val child = Node()
            val table = children?.takeIf { it.hasRoom() } ?: Children.grown(children).also { children = it }
            table.put(filter.substring(start, end), hash, child)
            return child
        }

        fun removeChild(key: String) {
            when (key) {
                "+" -> single = null

                "#" -> multi = null

                else -> {
                    val table = children ?: return
                    table.remove(key, regionHash(key, 0, key.length))
                    if (table.live == 0) children = null
                }
            }
        }
    }

    private companion object {
        val NO_VALUES = emptyArray<Any>()

        fun levelEnd(s: String, start: Int): Int {
            val end = s.indexOf('/', start)
            return if (end < 0) s.length else end
        }

        /** `s.substring(start, end).hashCode()`, without the substring. */
        fun regionHash(s: String, start: Int, end: Int): Int {
            var h = 0
            for (i in start until end) h = HASH_MULTIPLIER * h + s[i].code
            return h
        }

        const val HASH_MULTIPLIER = 31
    }
}

/**
 * The literal children of a trie node: open addressing with linear probing over parallel arrays
 * (hashes, keys, nodes), so a probe that misses reads one int array. One writer fills a free slot
 * (key and node first, then a release fence, then the hash) or, when the table is half full,
 * builds a bigger one that the node then publishes; removal marks the slot [REMOVED]. A slot is
 * never filled twice, so a reader that saw its hash (then an acquire fence) sees its key and node.
 */
internal class Children<N : Any> private constructor(capacity: Int) {
    private val hashes = IntArray(capacity) // EMPTY, REMOVED or stored(hash)
    private val keys = arrayOfNulls<String>(capacity)
    private val nodes = arrayOfNulls<Any>(capacity)
    private val mask = capacity - 1
    private var used = 0 // filled slots, removed ones included (writer only)

    /** Live entries (writer only). */
    var live = 0
        private set

    /** Whether one more entry keeps the table at most half full. */
    fun hasRoom(): Boolean = (used + 1) * 2 <= hashes.size

    /** The child for the key `s[start, end)` whose [regionHash] is [hash]. */
    fun get(s: String, start: Int, end: Int, hash: Int): N? {
        val want = stored(hash)
        val length = end - start
        var i = spread(hash) and mask
        while (true) {
            val h = hashes[i]
            if (h == EMPTY) return null
            if (h == want) {
                VarHandle.acquireFence() // pairs with put's release: the key and node are there
                val key = keys[i]!!
                if (key.length == length && key.regionMatches(0, s, start, length)) {
                    @Suppress("UNCHECKED_CAST")
                    return nodes[i] as N
                }
            }
            i = (i + 1) and mask
        }
    }

    /** Inserts [key] (not present; [hasRoom] must be true) into a never-used slot. */
    fun put(key: String, hash: Int, node: N) {
        var i = spread(hash) and mask
        while (hashes[i] != EMPTY) i = (i + 1) and mask
        keys[i] = key
        nodes[i] = node
        VarHandle.releaseFence()
        hashes[i] = stored(hash)
        used++
        live++
    }

    /** Removes [key] if present. */
    fun remove(key: String, hash: Int) {
        val want = stored(hash)
        var i = spread(hash) and mask
        while (true) {
            val h = hashes[i]
            if (h == EMPTY) return
            if (h == want && keys[i] == key) {
                hashes[i] = REMOVED
                live--
                return
            }
            i = (i + 1) and mask
        }
    }

    fun forEach(action: (N) -> Unit) {
        for (i in hashes.indices) {
            @Suppress("UNCHECKED_CAST")
            if (hashes[i] != EMPTY && hashes[i] != REMOVED) action(nodes[i] as N)
        }
    }

    companion object {
        private const val MIN_CAPACITY = 4
        private const val GROWTH = 4 // a new table is at most a quarter full
        private const val SPREAD_SHIFT = 16
        private const val EMPTY = 0
        private const val REMOVED = 1
        private const val STORED_BIT = 2

        private fun spread(h: Int) = h xor (h ushr SPREAD_SHIFT)

        /** The hash as a slot stores it: never [EMPTY] or [REMOVED]. */
        private fun stored(hash: Int) = hash or STORED_BIT

        /** A table with room for [old]'s live entries and as many again (removed slots dropped). */
        fun <N : Any> grown(old: Children<N>?): Children<N> {
            val live = old?.live ?: 0
            var capacity = MIN_CAPACITY
            while (capacity < (live + 1) * GROWTH) capacity *= 2
            val table = Children<N>(capacity)
            old?.let { o ->
                for (i in o.hashes.indices) {
                    val h = o.hashes[i]
                    @Suppress("UNCHECKED_CAST")
                    if (h != EMPTY && h != REMOVED) table.put(o.keys[i]!!, o.keyHash(i), o.nodes[i] as N)
                }
            }
            return table
        }
    }

    /** The region hash of the key in slot [i] (Strings cache theirs). */
    private fun keyHash(i: Int): Int = keys[i]!!.hashCode()
}
