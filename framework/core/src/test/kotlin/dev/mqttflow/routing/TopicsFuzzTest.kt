package dev.mqttflow.routing

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.fuzz.fuzzText
import dev.mqttflow.fuzz.show
import dev.mqttflow.fuzz.valueOr

/**
 * Fuzzes topic and filter validation and one-off matching against [ReferenceTopics]
 * (docs/fuzzing.md). Inputs are UTF-8 text; `\uXXXX` in it is that UTF-16 unit (NUL, surrogates).
 */
class TopicsFuzzTest {
    /** The input as a filter and as a topic: accepted exactly when the reference accepts it. */
    @FuzzTest(maxDuration = "2m")
    fun validation(data: ByteArray) {
        val input = fuzzText(data)
        val names = { message: String -> input.take(NAMED_PREFIX) in message }
        var filterOk = false
        valueOr<InvalidTopicException>(input, names) {
            Topics.validateFilter(input)
            filterOk = true
        }
        agree("validateFilter", input, filterOk, ReferenceTopics.isValidFilter(input))
        var topicOk = false
        valueOr<InvalidTopicException>(input, names) {
            Topics.validateTopic(input)
            topicOk = true
        }
        agree("validateTopic", input, topicOk, ReferenceTopics.isValidTopic(input))
    }

    /** `filter\ntopic`: [Topics.matches] agrees with the reference on any two strings, valid or not. */
    @FuzzTest(maxDuration = "2m")
    fun matches(data: ByteArray) {
        val text = fuzzText(data)
        val filter = text.substringBefore('\n')
        val topic = text.substringAfter('\n', "")
        agree("matches($filter)", topic, Topics.matches(filter, topic), ReferenceTopics.matches(filter, topic))
        if (ReferenceTopics.isValidFilter(filter)) {
            agree("matchPart", filter, Topics.matchPart(filter) == ReferenceTopics.stripShare(filter), true)
        }
    }

    private fun agree(what: String, input: String, actual: Boolean, expected: Boolean) {
        if (actual != expected) throw AssertionError("$what(${show(input)}) is $actual, the reference says $expected")
    }

    private companion object {
        // InvalidTopicException shows the first 200 characters of its input.
        const val NAMED_PREFIX = 200
    }
}
