package dev.mqttflow.script

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe

class TopicLintTest :
    FunSpec({
        fun problems(text: String) = TopicLint.check(text.trimIndent(), "x.mqtt.kts").map { it.toString() }

        test("valid filters and patterns, shared subscriptions included, are not reported") {
            problems(
                """
                subscribe("home/+/motion", qos = 1)
                subscribe("\${'$'}share/group/jobs/#")
                unsubscribe("home/#")
                onMessage("home/{room}/{rest...}") { }
                """,
            ).shouldBeEmpty()
        }

        test("comments, templates and raw strings are left alone") {
            problems(
                """
                // subscribe("a/#/b")
                /* onMessage("a/#/b") { } */
                subscribe("home/${'$'}room/#/x")
                subscribe(${"\"\"\""}a/#/b${"\"\"\""})
                """,
            ).shouldBeEmpty()
        }

        test("an empty filter, a misplaced wildcard and a bad variable are each reported where they are") {
            problems(
                """
                subscribe("")
                  unsubscribe(filter = "a/b#")
                onMessage("home/{room")  { }
                """,
            ) shouldBe listOf(
                "x.mqtt.kts:1:11: error: invalid topic filter '' in subscribe(…): a topic filter must not be empty",
                "x.mqtt.kts:2:24: error: invalid topic filter 'a/b#' in unsubscribe(…): '#' must occupy a whole level",
                "x.mqtt.kts:3:11: error: invalid topic pattern 'home/{room' in onMessage(…): " +
                    "a variable must fill a whole level, like {room}",
            )
        }
    })
