package dev.mqttflow.routing

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class MatchSetTest :
    FunSpec({
        test("keeps each value once, in the order added, below and past the scan limit") {
            val set = MatchSet<Int>()
            for (round in 0 until 3) {
                set.clear()
                for (i in 0 until 100) set.add(i % 37 + round) shouldBe (i < 37)
                set.size shouldBe 37
                List(set.size) { set[it] } shouldBe (round until 37 + round).toList()
                (round + 36 in set) shouldBe true
                (round + 37 in set) shouldBe false
            }
        }

        test("equal values are one value") {
            val set = MatchSet<String>()
            repeat(20) { set.add(StringBuilder("w").append(it % 10).toString()) }
            set.toSet() shouldBe (0 until 10).map { "w$it" }.toSet()
        }

        test("clear forgets every value, however many there were") {
            val set = MatchSet<Int>()
            repeat(1000) { set.add(it) }
            set.clear()
            set.isEmpty() shouldBe true
            (5 in set) shouldBe false
            set.add(5) shouldBe true
            set.size shouldBe 1
        }

        test("removeIf keeps the others in order and they stay deduplicated") {
            val set = MatchSet<Int>()
            repeat(50) { set.add(it) }
            set.removeIf { it % 2 == 0 }
            List(set.size) { set[it] } shouldBe (1 until 50 step 2).toList()
            set.add(3) shouldBe false
            set.add(4) shouldBe true
            set.size shouldBe 26
        }
    })
