@file:OptIn(dev.mqttflow.InternalMqttFlowApi::class)

package dev.mqttflow.bench

import dev.mqttflow.routing.Topics
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeNaN
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

class HarnessTest :
    FunSpec({
        test("the median of an odd count is the middle value, of an even count the mean of the middle two") {
            median(listOf(3.0, 1.0, 2.0)) shouldBe 2.0
            median(listOf(4.0, 1.0, 3.0, 2.0)) shouldBe 2.5
            median(emptyList()).shouldBeNaN()
        }

        test("percentiles use the nearest rank") {
            val sorted = LongArray(1000) { it + 1L }
            percentile(sorted, 50.0) shouldBe 500.0
            percentile(sorted, 99.0) shouldBe 990.0
            percentile(sorted, 99.9) shouldBe 999.0
            percentile(longArrayOf(7), 99.9) shouldBe 7.0
        }

        test("the counter reports once, at its target, with the time of the last message") {
            val reports = mutableListOf<Pair<Long, Long>>()
            val counter = Counter(3) { count, last -> reports += count to last }
            repeat(3) { counter.hit() }
            counter.finish()
            reports.size shouldBe 1
            reports[0].first shouldBe 3
            reports[0].second shouldBeGreaterThan 0
        }

        test("a counter finished early reports what it has") {
            val reports = mutableListOf<Long>()
            val counter = Counter(10) { count, _ -> reports += count }
            counter.hit()
            counter.finish()
            counter.hit()
            reports shouldBe listOf(1L)
        }

        test("the router workload's trie matches exactly what a filter-by-filter check finds") {
            val workload = RouterWorkload(filterCount = 2_000, topicCount = 300, seed = 7, workers = 500)
            workload.trie.size shouldBe workload.filters.toSet().size
            var total = 0
            for (topic in workload.topics) {
                val expected = workload.filters.filter { (f, _) -> Topics.matches(f, topic) }.map { it.second }.toSet()
                workload.trie.match(topic) shouldBe expected
                total += expected.size
            }
            // The mix is meant to make topics match: a workload that matches nothing would measure nothing.
            (total > 0) shouldBe true
        }

        test("CPU and memory of this process can be read from /proc") {
            Proc.cpuNanos(ProcessHandle.current().pid()) shouldBeGreaterThan 0
            Proc.rssBytes() shouldBeGreaterThan 0
            Proc.machineBusyNanos() shouldBeGreaterThan 0
        }
    })
