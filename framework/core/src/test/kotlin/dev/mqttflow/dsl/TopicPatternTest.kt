package dev.mqttflow.dsl

import dev.mqttflow.errors.InvalidTopicException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class TopicPatternTest :
    FunSpec({
        test("a named level becomes '+' and captures that level") {
            val p = TopicPattern("home/{room}/motion")
            p.filter shouldBe "home/+/motion"
            p.match("home/hall/motion") shouldBe mapOf("room" to "hall")
            p.match("home/hall/door") shouldBe null
            p.match("home/hall/motion/extra") shouldBe null
        }

        test("a last level {name...} becomes '#' and captures the rest") {
            val p = TopicPattern("sensors/{kind}/{path...}")
            p.filter shouldBe "sensors/+/#"
            p.match("sensors/temp/house/floor1/kitchen") shouldBe
                mapOf("kind" to "temp", "path" to "house/floor1/kitchen")
            p.match("sensors/temp") shouldBe mapOf("kind" to "temp", "path" to "")
        }

        test("plain wildcards and literal patterns work unnamed") {
            TopicPattern("a/+/c").match("a/b/c") shouldBe emptyMap()
            TopicPattern("a/#").match("a/b/c") shouldBe emptyMap()
            TopicPattern("a/b").match("a/b") shouldBe emptyMap()
        }

        test("a variable that does not fill its level is refused, naming the pattern") {
            val e = shouldThrow<InvalidTopicException> { TopicPattern("home/x{room}/motion") }
            e.message shouldContain "home/x{room}/motion"
            e.message shouldContain "whole level"
        }

        test("{name...} anywhere but last is refused") {
            shouldThrow<InvalidTopicException> { TopicPattern("a/{rest...}/b") }.message shouldContain "last level"
        }

        test("a bad variable name is refused") {
            shouldThrow<InvalidTopicException> { TopicPattern("a/{1x}") }.message shouldContain "1x"
        }

        test("an invalid resulting filter is refused") {
            shouldThrow<InvalidTopicException> { TopicPattern("a/#/b") }
        }

        test("\$-topics are not matched by a leading variable") {
            TopicPattern("{first}/status").match("\$SYS/status") shouldBe null
        }
    })
