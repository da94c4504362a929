package dev.mqttflow.routing

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlin.random.Random

class TopicTrieTest :
    FunSpec({

        /** A trie holding each filter with itself as the value, so a match shows which filters matched. */
        fun trieOf(vararg filters: String): TopicTrie<String> = TopicTrie<String>().apply {
            filters.forEach { add(it, it) }
        }

        test("a new trie is empty and matches nothing") {
            val trie = TopicTrie<String>()
            trie.isEmpty() shouldBe true
            trie.size shouldBe 0
            trie.filters() shouldBe emptySet()
            trie.match("a/b") shouldBe emptySet()
        }

        test("add reports whether the filter/value pair was new and size counts pairs") {
            val trie = TopicTrie<String>()
            trie.add("a/b", "w1") shouldBe true
            trie.add("a/b", "w1") shouldBe false
            trie.add("a/b", "w2") shouldBe true
            trie.add("a/+", "w1") shouldBe true
            trie.size shouldBe 3
            trie.isEmpty() shouldBe false
            trie.filters() shouldBe setOf("a/b", "a/+")
        }

        test("multi-level wildcard examples of MQTT 5 section 4.7.1.2 match") {
            val trie = trieOf("sport/tennis/player1/#", "sport/#", "#")
            trie.match("sport/tennis/player1") shouldBe setOf("sport/tennis/player1/#", "sport/#", "#")
            trie.match("sport/tennis/player1/ranking") shouldBe setOf("sport/tennis/player1/#", "sport/#", "#")
            trie.match("sport/tennis/player1/score/wimbledon") shouldBe setOf("sport/tennis/player1/#", "sport/#", "#")
            trie.match("sport") shouldBe setOf("sport/#", "#")
            trie.match("sport/tennis/player2") shouldBe setOf("sport/#", "#")
        }

        test("single-level wildcard examples of MQTT 5 section 4.7.1.3 match") {
            val trie = trieOf("sport/tennis/+", "sport/+", "+/+", "/+", "+")
            trie.match("sport/tennis/player1") shouldBe setOf("sport/tennis/+")
            trie.match("sport/tennis/player2") shouldBe setOf("sport/tennis/+")
            trie.match("sport/tennis/player1/ranking") shouldBe emptySet()
            trie.match("sport") shouldBe setOf("+")
            trie.match("sport/") shouldBe setOf("sport/+", "+/+")
            trie.match("/finance") shouldBe setOf("+/+", "/+")
        }

        test("wildcards in the first level do not match topics starting with \$ (MQTT 5 section 4.7.2)") {
            val trie = trieOf("#", "+/monitor/Clients", "\$SYS/#", "\$SYS/monitor/+", "+/#")
            trie.match("\$SYS/monitor/Clients") shouldBe setOf("\$SYS/#", "\$SYS/monitor/+")
            trie.match("SYS/monitor/Clients") shouldBe setOf("#", "+/monitor/Clients", "+/#")
        }

        test("a value matched by several filters is returned once") {
            val trie = TopicTrie<String>()
            trie.add("a/#", "worker")
            trie.add("a/+", "worker")
            trie.add("a/b", "worker")
            trie.add("a/b", "other")
            trie.size shouldBe 4
            trie.match("a/b") shouldBe setOf("worker", "other")
            trie.match("a/c") shouldBe setOf("worker")
        }

        test("match into a set keeps its elements and adds each value once") {
            val trie = TopicTrie<Int>()
            trie.add("a/#", 1)
            trie.add("a/+", 1)
            trie.add("+/b", 2)
            val into = MatchSet<Int>()
            into.add(0)
            trie.match("a/b", into)
            into.toSet() shouldBe setOf(0, 1, 2)
            into.size shouldBe 3
        }

        test("remove reports whether the pair was present") {
            val trie = trieOf("a/b")
            trie.remove("a/b", "other") shouldBe false
            trie.remove("a/c", "a/b") shouldBe false
            trie.remove("a/b/c", "a/b") shouldBe false
            trie.remove("a", "a/b") shouldBe false
            trie.size shouldBe 1
            trie.remove("a/b", "a/b") shouldBe true
            trie.remove("a/b", "a/b") shouldBe false
            trie.size shouldBe 0
            trie.isEmpty() shouldBe true
        }

        test("remove keeps the other values of the same filter") {
            val trie = TopicTrie<String>()
            trie.add("a/+", "w1")
            trie.add("a/+", "w2")
            trie.remove("a/+", "w1") shouldBe true
            trie.match("a/b") shouldBe setOf("w2")
            trie.filters() shouldBe setOf("a/+")
        }

        test("remove prunes nodes left without filters or children") {
            val trie = trieOf("a/b/c", "a/+/#", "x")
            trie.nodeCount() shouldBe 6 // a, a/b, a/b/c, a/+, a/+/#, x
            trie.remove("a/b/c", "a/b/c") shouldBe true
            trie.nodeCount() shouldBe 4
            trie.match("a/b/c") shouldBe setOf("a/+/#")
            trie.remove("a/+/#", "a/+/#") shouldBe true
            trie.nodeCount() shouldBe 1
            trie.remove("x", "x") shouldBe true
            trie.nodeCount() shouldBe 0
            trie.isEmpty() shouldBe true
            trie.match("x") shouldBe emptySet()
        }

        test("remove does not prune a node that still ends a filter") {
            val trie = trieOf("a", "a/b")
            trie.remove("a/b", "a/b") shouldBe true
            trie.nodeCount() shouldBe 1
            trie.match("a") shouldBe setOf("a")
            trie.filters() shouldBe setOf("a")
        }

        test("a shared filter is added through its match part") {
            val trie = TopicTrie<String>()
            trie.add(Topics.matchPart("\$share/g/a/b"), "worker") shouldBe true
            trie.filters() shouldBe setOf("a/b")
            trie.match("a/b") shouldBe setOf("worker")
            trie.remove(Topics.matchPart("\$share/g/a/b"), "worker") shouldBe true
            trie.isEmpty() shouldBe true
        }

        test("empty levels are real levels") {
            val trie = trieOf("a//b", "a/+/b", "/", "+/+", "a/")
            trie.match("a//b") shouldBe setOf("a//b", "a/+/b")
            trie.match("/") shouldBe setOf("/", "+/+")
            trie.match("a/") shouldBe setOf("a/", "+/+")
            trie.match("a") shouldBe emptySet()
        }

        test("the trie agrees with Topics.matches on random filters and topics") {
            val random = Random(42)
            val words = listOf("a", "b", "", "\$s")
            fun randomTopic(): String = List(random.nextInt(1, 5)) { words.random(random) }.joinToString("/")
            fun randomFilter(): String {
                val levels = MutableList(random.nextInt(1, 5)) {
                    if (random.nextInt(3) == 0) "+" else words.random(random)
                }
                if (random.nextBoolean()) levels[levels.size - 1] = "#"
                return levels.joinToString("/")
            }
            val filters = List(300) { randomFilter() }.distinct()
            val trie = TopicTrie<String>()
            filters.forEach { trie.add(it, it) }
            repeat(2_000) {
                val topic = randomTopic()
                trie.match(topic) shouldBe filters.filter { Topics.matches(it, topic) }.toSet()
            }
            filters.take(filters.size / 2).forEach { trie.remove(it, it) shouldBe true }
            val remaining = filters.drop(filters.size / 2)
            trie.size shouldBe remaining.size
            trie.filters() shouldBe remaining.toSet()
            repeat(2_000) {
                val topic = randomTopic()
                trie.match(topic) shouldBe remaining.filter { Topics.matches(it, topic) }.toSet()
            }
        }

        test("a filter with thousands of levels is added, matched and removed without recursion") {
            val deep = List(20_000) { "+" }.joinToString("/")
            val topic = List(20_000) { "x" }.joinToString("/")
            val trie = trieOf(deep, "#")
            trie.match(topic) shouldBe setOf(deep, "#")
            trie.filters() shouldBe setOf(deep, "#")
            trie.remove(deep, deep) shouldBe true
            trie.nodeCount() shouldBe 1
        }

        test("100k filters route a topic to exactly its matches") {
            val trie = TopicTrie<Int>()
            repeat(100_000) { i -> trie.add("site/${i % 100}/device/$i/+", i) }
            trie.add("site/+/device/#", -1)
            trie.size shouldBe 100_001
            trie.match("site/7/device/1207/temperature") shouldBe setOf(1207, -1)
            trie.match("site/8/device/1207/temperature") shouldBe setOf(-1)
            trie.match("site/7/device/1207") shouldBe setOf(-1)
        }
    })
