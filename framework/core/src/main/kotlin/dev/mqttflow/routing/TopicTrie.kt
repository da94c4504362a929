package dev.mqttflow.routing

/**
 * Topic filters mapped to values (typically the workers subscribed to them), for routing each
 * incoming topic to every value whose filter matches it, with MQTT rules (see [Topics]).
 *
 * Filters are stored exactly as given, one trie level per topic level. The caller validates
 * them with [Topics.validateFilter] and strips a shared subscription's `$share/{group}/` prefix
 * with [Topics.matchPart] before calling [add] or [remove]; an unstripped `$share/g/a` would be
 * stored as a plain filter whose first level is `$share`.
 *
 * Values are compared with `equals`/`hashCode`. [match] returns each matching value once even
 * when several of its filters match the topic, so a worker subscribed to both `a/#` and `a/+`
 * receives a message on `a/b` once.
 *
 * Not thread-safe: the caller locks. [match], [size], [filters] and [isEmpty] do not modify the
 * trie, so they may run concurrently with each other (under a read lock) but not with [add] or
 * [remove].
 *
 * ```
 * val trie = TopicTrie<String>()
 * trie.add("sport/#", "scores")
 * trie.add(Topics.matchPart("\$share/g/sport/+"), "tennis")
 * trie.match("sport/tennis") // [scores, tennis]
 * ```
 */
public class TopicTrie<V : Any> {
    private val root = Node<V>()

    /** The number of filter/value pairs in the trie. */
    public var size: Int = 0
        private set

    /** Whether the trie holds no filter at all. */
    public fun isEmpty(): Boolean = size == 0

    /** Adds [value] under [filter]; returns `true` if that pair was not in the trie yet. */
    public fun add(filter: String, value: V): Boolean {
        var node = root
        var start = 0
        while (true) {
            val end = levelEnd(filter, start)
            node = node.childFor(filter, start, end)
            if (end == filter.length) break
            start = end + 1
        }
        val values = node.values ?: HashSet<V>(2).also {
            node.values = it
            node.filter = filter
        }
        val added = values.add(value)
        if (added) size++
        return added
    }

    /**
     * Removes [value] from [filter]; returns `true` if that pair was in the trie. Nodes left
     * without filters or children are removed, so the trie does not grow with subscription churn.
     */
    public fun remove(filter: String, value: V): Boolean {
        val path = ArrayList<Node<V>>()
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
        val values = node.values ?: return false
        if (!values.remove(value)) return false
        size--
        if (values.isEmpty()) {
            node.values = null
            node.filter = null
        }
        var i = path.size - 1
        while (i >= 0 && node.isEmpty()) {
            val parent = path[i]
            parent.removeChild(keys[i])
            node = parent
            i--
        }
        return true
    }

    /** The distinct values of all filters that match [topic]. */
    public fun match(topic: String): Set<V> {
        val result = HashSet<V>()
        match(topic, result)
        return result
    }

    /**
     * Adds the values of all filters that match [topic] to [into], which keeps what it already
     * holds; like [match], each value once. Lets a hot path reuse one set instead of allocating.
     */
    public fun match(topic: String, into: MutableSet<V>) {
        if (size == 0) return
        val dollar = topic.startsWith('$')
        var current = ArrayList<Node<V>>(INITIAL_FRONTIER)
        var next = ArrayList<Node<V>>(INITIAL_FRONTIER)
        current.add(root)
        var start = 0 // start of the current topic level, -1 past the last one
        while (start >= 0 && current.isNotEmpty()) {
            val end = levelEnd(topic, start)
            var level: String? = null
            for (i in 0 until current.size) {
                val node = current[i]
                if (!dollar || node !== root) {
                    node.multi?.values?.let(into::addAll)
                    node.single?.let(next::add)
                }
                // The level is cut out of the topic once, and only if some node has literal children.
                node.children?.get(level ?: topic.substring(start, end).also { level = it })?.let(next::add)
            }
            start = if (end < topic.length) end + 1 else -1
            val done = current
            current = next
            next = done
            next.clear()
        }
        // The topic is exhausted: filters ending here match, and so does '#' below them ("sport/#" matches "sport").
        for (i in 0 until current.size) {
            val node = current[i]
            node.values?.let(into::addAll)
            node.multi?.values?.let(into::addAll)
        }
    }

    /** Every filter that has at least one value, as it was given to [add]. */
    public fun filters(): Set<String> {
        val result = HashSet<String>()
        forEachNode { node -> node.filter?.let(result::add) }
        return result
    }

    override fun toString(): String = "TopicTrie(size=$size)"

    /** The number of trie nodes besides the root; lets tests check that [remove] prunes. */
    internal fun nodeCount(): Int {
        var count = -1
        forEachNode { count++ }
        return count
    }

    /** Visits every node, depth first, without recursion (a filter may have thousands of levels). */
    private inline fun forEachNode(action: (Node<V>) -> Unit) {
        val stack = ArrayList<Node<V>>()
        stack.add(root)
        while (stack.isNotEmpty()) {
            val node = stack.removeAt(stack.size - 1)
            action(node)
            node.children?.values?.let(stack::addAll)
            node.single?.let(stack::add)
            node.multi?.let(stack::add)
        }
    }

    private fun levelEnd(s: String, start: Int): Int {
        val end = s.indexOf('/', start)
        return if (end < 0) s.length else end
    }

    /** One topic level. Wildcard children are fields so matching needs no map lookup for them. */
    private class Node<V : Any> {
        var children: HashMap<String, Node<V>>? = null
        var single: Node<V>? = null
        var multi: Node<V>? = null

        /** Values of the filter that ends at this node, null when none. */
        var values: HashSet<V>? = null

        /** That filter, kept for [filters]. */
        var filter: String? = null

        fun isEmpty(): Boolean = values == null && children == null && single == null && multi == null

        fun child(key: String): Node<V>? = when (key) {
            "+" -> single
            "#" -> multi
            else -> children?.get(key)
        }

        /** The child for the level `filter[start, end)`, created if missing. */
        fun childFor(filter: String, start: Int, end: Int): Node<V> {
            if (end - start == 1) {
                when (filter[start]) {
                    '+' -> return single ?: Node<V>().also { single = it }
                    '#' -> return multi ?: Node<V>().also { multi = it }
                }
            }
            val map = children ?: HashMap<String, Node<V>>().also { children = it }
            val key = filter.substring(start, end)
            return map.getOrPut(key) { Node() }
        }

        fun removeChild(key: String) {
            when (key) {
                "+" -> single = null

                "#" -> multi = null

                else -> {
                    val map = children ?: return
                    map.remove(key)
                    if (map.isEmpty()) children = null
                }
            }
        }
    }

    private companion object {
        const val INITIAL_FRONTIER = 4
    }
}
