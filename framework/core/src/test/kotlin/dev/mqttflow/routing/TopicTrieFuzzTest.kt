package dev.mqttflow.routing

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.fuzz.fuzzText
import dev.mqttflow.fuzz.show

/**
 * Differential fuzzing of [TopicTrie] (docs/fuzzing.md): the input is a program of lines,
 * `+V filter` (add), `-V filter` (remove), `?_ topic` (a topic to check), V a value digit. After
 * every step the trie must agree, on every topic seen so far (and one made from each filter), with a
 * plain list of (filter, value) pairs scanned with [Topics.matches] and with [ReferenceTopics.matches].
 * Filters the trie's contract excludes (invalid ones) are skipped; shared ones go in stripped, and
 * the list scan matches with the filter as subscribed (`$share/g/$share/h/x` is group `g` of the
 * literal filter `$share/h/x`: stripping it twice was this harness's first finding).
 */
class TopicTrieFuzzTest {
    @FuzzTest(maxDuration = "2m")
    fun trieAgreesWithMatches(data: ByteArray) {
        val trie = TopicTrie<Int>()
        val pairs = LinkedHashSet<Pair<String, Int>>()
        val topics = LinkedHashSet<String>()
        val subscribed = HashMap<String, String>() // stripped part -> a filter as subscribed
        for (line in fuzzText(data).split('\n').take(MAX_STEPS)) {
            if (step(line, trie, pairs, topics, subscribed)) agree(trie, pairs, topics, subscribed)
        }
        for ((filter, value) in pairs.toList()) check(trie.remove(filter, value)) { "cannot remove ${show(filter)}" }
        check(trie.isEmpty() && trie.nodeCount() == 0) { "emptied trie keeps ${trie.nodeCount()} nodes" }
    }

    /** Runs one line of the program; false when it is not a step (a comment, an invalid filter). */
    private fun step(
        line: String,
        trie: TopicTrie<Int>,
        pairs: MutableSet<Pair<String, Int>>,
        topics: MutableSet<String>,
        subscribed: MutableMap<String, String>,
    ): Boolean {
        if (line.length < 2) return false
        val value = line[1].code % VALUES
        val arg = line.substring(2)
        val op = line[0]
        if (op == '?') {
            topics += arg
            return true
        }
        if ((op != '+' && op != '-') || !ReferenceTopics.isValidFilter(arg)) return false
        val part = Topics.matchPart(arg)
        subscribed.putIfAbsent(part, arg)
        val changed = if (op == '+') trie.add(part, value) else trie.remove(part, value)
        val expected = if (op == '+') pairs.add(part to value) else pairs.remove(part to value)
        check(changed == expected) { "$op$value ${show(arg)} returned $changed, expected $expected" }
        topics += instance(part)
        return true
    }

    private fun agree(
        trie: TopicTrie<Int>,
        pairs: Set<Pair<String, Int>>,
        topics: Set<String>,
        subscribed: Map<String, String>,
    ) {
        check(trie.size == pairs.size) { "size ${trie.size}, expected ${pairs.size}" }
        check(trie.filters() == pairs.mapTo(HashSet()) { it.first }) { "filters ${trie.filters()}" }
        for (topic in topics) {
            val actual = trie.match(topic)
            val scanned = pairs.filter { Topics.matches(subscribed.getValue(it.first), topic) }
                .mapTo(HashSet()) { it.second }
            val reference = pairs.filter { ReferenceTopics.matches(subscribed.getValue(it.first), topic) }
                .mapTo(HashSet()) { it.second }
            check(actual == scanned && scanned == reference) {
                "topic ${show(topic)}: trie $actual, list scan $scanned, reference $reference, pairs $pairs"
            }
        }
    }

    /** A topic the filter matches: `+` becomes a level, `#` two. */
    private fun instance(filter: String): String = filter.split('/').joinToString("/") {
        if (it == "+") {
            "x"
        } else if (it == "#") {
            "y/z"
        } else {
            it
        }
    }

    private companion object {
        const val MAX_STEPS = 48
        const val VALUES = 4
    }
}
