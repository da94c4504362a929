package dev.mqttflow.routing

import dev.mqttflow.errors.InvalidTopicException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class TopicsTest :
    FunSpec({

        // MQTT 5, section 4.7: (filter, topic, matches?)
        val specExamples = listOf(
            // 4.7.1.2 multi-level wildcard
            Triple("sport/tennis/player1/#", "sport/tennis/player1", true),
            Triple("sport/tennis/player1/#", "sport/tennis/player1/ranking", true),
            Triple("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true),
            Triple("sport/tennis/player1/#", "sport/tennis/player2", false),
            Triple("sport/#", "sport", true),
            Triple("#", "sport/tennis", true),
            // 4.7.1.3 single-level wildcard
            Triple("sport/tennis/+", "sport/tennis/player1", true),
            Triple("sport/tennis/+", "sport/tennis/player2", true),
            Triple("sport/tennis/+", "sport/tennis/player1/ranking", false),
            Triple("sport/+", "sport", false),
            Triple("sport/+", "sport/", true),
            Triple("+", "sport", true),
            Triple("+/+", "/finance", true),
            Triple("/+", "/finance", true),
            Triple("+", "/finance", false),
            Triple("+/tennis/#", "sport/tennis/player1", true),
            // 4.7.2 topics beginning with $
            Triple("#", "\$SYS/monitor/Clients", false),
            Triple("+/monitor/Clients", "\$SYS/monitor/Clients", false),
            Triple("\$SYS/#", "\$SYS/monitor/Clients", true),
            Triple("\$SYS/monitor/+", "\$SYS/monitor/Clients", true),
            // plain levels, including empty ones
            Triple("sport/tennis", "sport/tennis", true),
            Triple("sport/tennis", "sport/tennis/", false),
            Triple("sport/tennis", "sport/Tennis", false),
            Triple("a//b", "a//b", true),
            Triple("a/+/b", "a//b", true),
            Triple("a/#", "a/", true),
        )

        specExamples.forEach { (filter, topic, expected) ->
            val verb = if (expected) "matches" else "does not match"
            test("'$filter' $verb '$topic'") {
                Topics.matches(filter, topic) shouldBe expected
            }
        }

        test("a \$share/{group}/ prefix is ignored when matching") {
            Topics.matches("\$share/workers/sport/#", "sport/tennis") shouldBe true
            Topics.matches("\$share/workers/sport/#", "\$share/workers/sport/tennis") shouldBe false
        }

        test("matchPart strips the share group from a shared filter") {
            Topics.matchPart("\$share/g/a/b") shouldBe "a/b"
            Topics.matchPart("\$share/g/#") shouldBe "#"
        }

        test("matchPart returns a plain filter unchanged") {
            Topics.matchPart("a/b") shouldBe "a/b"
            Topics.matchPart("\$SYS/#") shouldBe "\$SYS/#"
            Topics.matchPart("\$share") shouldBe "\$share"
        }

        listOf(
            "#",
            "+",
            "sport/tennis/player1/#",
            "sport/+/player1",
            "+/+",
            "/+",
            "/",
            "a//b",
            "\$SYS/#",
            "\$share",
            "\$share/g/#",
            "\$share/group-1/sport/+/score",
            "spört/ténnis/日本",
        ).forEach { filter ->
            test("'$filter' is a valid filter") {
                Topics.validateFilter(filter)
            }
        }

        listOf(
            "" to "must not be empty",
            "a/#/b" to "'#' must be the last level",
            "#/a" to "'#' must be the last level",
            "a#" to "'#' must occupy a whole level",
            "a/#b" to "'#' must occupy a whole level",
            "a+" to "'+' must occupy a whole level",
            "+a" to "'+' must occupy a whole level",
            "a/b+/c" to "'+' must occupy a whole level",
            "a/\u0000/b" to "NUL",
            "\$share/g" to "must have the form '\$share/{group}/{filter}'",
            "\$share/" to "must have the form '\$share/{group}/{filter}'",
            "\$share//a" to "share group of a shared subscription must not be empty",
            "\$share/g+/a" to "share group must not contain",
            "\$share/g#/a" to "share group must not contain",
            "\$share/g/" to "needs a topic filter",
            "\$share/g/a/#/b" to "'#' must be the last level",
            "\$share/g/a+" to "'+' must occupy a whole level",
        ).forEach { (filter, reason) ->
            test("'${filter.replace("\u0000", "\\0")}' is rejected as a filter: $reason") {
                val e = shouldThrow<InvalidTopicException> { Topics.validateFilter(filter) }
                e.topic shouldBe filter
                e.reason shouldContain reason
            }
        }

        test("a filter of exactly 65535 UTF-8 bytes is valid") {
            Topics.validateFilter("a".repeat(65_535))
        }

        test("a filter of 65536 UTF-8 bytes is rejected") {
            val e = shouldThrow<InvalidTopicException> { Topics.validateFilter("a".repeat(65_536)) }
            e.reason shouldContain "65536 bytes"
        }

        test("the length limit counts UTF-8 bytes, not characters") {
            val twoByteChars = "é".repeat(32_768) // 65536 bytes in 32768 chars
            shouldThrow<InvalidTopicException> { Topics.validateFilter(twoByteChars) }
            val fourByteChars = "😀".repeat(16_384) // 65536 bytes in 32768 chars
            shouldThrow<InvalidTopicException> { Topics.validateTopic(fourByteChars) }
            Topics.validateTopic("😀".repeat(16_383))
        }

        test("an unpaired surrogate is rejected because it cannot be encoded as UTF-8") {
            val e = shouldThrow<InvalidTopicException> { Topics.validateFilter("a/\uD83D/b") }
            e.reason shouldContain "surrogate"
        }

        test("the error message contains the offending filter and the reason") {
            val e = shouldThrow<InvalidTopicException> { Topics.validateFilter("sensors/#/temperature") }
            e.message shouldBe "invalid topic 'sensors/#/temperature': '#' must be the last level"
        }

        listOf("sport/tennis/player1", "/", "/finance", "sport/", "\$SYS/monitor/Clients", "a//b").forEach { topic ->
            test("'$topic' is a valid publish topic") {
                Topics.validateTopic(topic)
            }
        }

        listOf(
            "" to "must not be empty",
            "#" to "wildcards are not allowed in a publish topic",
            "sport/#" to "wildcards are not allowed in a publish topic",
            "+" to "wildcards are not allowed in a publish topic",
            "sport/+/player1" to "wildcards are not allowed in a publish topic",
            "sport+" to "wildcards are not allowed in a publish topic",
            "a\u0000b" to "NUL",
        ).forEach { (topic, reason) ->
            test("'${topic.replace("\u0000", "\\0")}' is rejected as a publish topic: $reason") {
                val e = shouldThrow<InvalidTopicException> { Topics.validateTopic(topic) }
                e.topic shouldBe topic
                e.reason shouldContain reason
            }
        }

        test("a publish topic of 65536 UTF-8 bytes is rejected") {
            shouldThrow<InvalidTopicException> { Topics.validateTopic("a".repeat(65_536)) }
            Topics.validateTopic("a".repeat(65_535))
        }
    })
