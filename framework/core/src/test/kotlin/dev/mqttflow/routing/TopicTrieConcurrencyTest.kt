package dev.mqttflow.routing

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.lang.management.ManagementFactory
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.atomic.AtomicReference
import kotlin.concurrent.thread

class TopicTrieConcurrencyTest :
    FunSpec({
        test("matches on other threads, without a lock, see stable filters throughout a writer's churn") {
            val trie = TopicTrie<String>()
            val stable = listOf("a/b/c", "a/+/c", "a/#", "+/b/c")
            stable.forEach { trie.add(it, it) }
            val churn = List(2_000) { "a/b/c$it" } + List(2_000) { "a/x$it/c" } + List(500) { "a/b/+/x$it" }
            val churnValues = churn.toSet()
            val failure = AtomicReference<String?>(null)
            val readers = 2
            val start = CyclicBarrier(readers + 1)
            val writing = java.util.concurrent.atomic.AtomicBoolean(true)
            val threads = List(readers) {
                thread(name = "matcher-$it") {
                    val into = MatchSet<String>()
                    start.await()
                    var rounds = 0
                    while ((writing.get() || rounds < 10) && failure.get() == null) {
                        for (topic in listOf("a/b/c", "a/b/c7", "a/x3/c")) {
                            into.clear()
                            trie.match(topic, into)
                            val seen = into.toSet()
                            val expectedStable = stable.filter { Topics.matches(it, topic) }.toSet()
                            if (!seen.containsAll(expectedStable)) failure.set("$topic lost ${expectedStable - seen}")
                            val odd = seen - expectedStable - churnValues
                            if (odd.isNotEmpty()) failure.set("$topic matched $odd")
                            val wrong = (seen - expectedStable).filterNot { Topics.matches(it, topic) }
                            if (wrong.isNotEmpty()) failure.set("$topic matched non-matching $wrong")
                        }
                        rounds++
                    }
                }
            }
            start.await()
            repeat(3) {
                churn.forEach { trie.add(it, it) }
                churn.forEach { trie.remove(it, it) }
            }
            writing.set(false)
            threads.forEach { it.join() }
            failure.get() shouldBe null
            trie.size shouldBe stable.size
            trie.nodeCount() shouldBe 9 // a, a/b, a/b/c, a/+, a/+/c, a/#, +, +/b, +/b/c: the churn was pruned
        }

        test("a match into a reused set allocates nothing once warm") {
            val threads = ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean
            val trie = TopicTrie<Int>()
            repeat(10_000) { i -> trie.add("t/${i % 50}/d$i/+", i) }
            repeat(50) { s -> trie.add("t/$s/#", -s - 1) }
            trie.add("+/+/+/temp", -100)
            val topics = Array(1024) { i -> (i * 7 % 10_000).let { d -> "t/${d % 50}/d$d/temp" } }
            val into = MatchSet<Int>()
            fun run(): Int {
                var total = 0
                for (topic in topics) {
                    into.clear()
                    trie.match(topic, into)
                    total += into.size
                }
                return total
            }
            repeat(20) { run() }
            val id = Thread.currentThread().id
            val before = threads.getThreadAllocatedBytes(id)
            var total = 0
            repeat(100) { total += run() }
            val allocated = threads.getThreadAllocatedBytes(id) - before
            total shouldBe 100 * 1024 * 3 // its own filter, its site's '#', and '+/+/+/temp'
            // 102,400 matches; the old trie allocated about 200 bytes for each. A few bytes may be the probe itself.
            (allocated < 4_096) shouldBe true
        }
    })
