package dev.mqttflow.layer

import dev.mqttflow.errors.InvalidLayerMessageException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** Regression tests for what LayerMessageFuzzTest found (docs/fuzzing.md). */
class LayerMessageTest :
    FunSpec({
        test("a received message goes back out with its numbers as they were written") {
            val text = """{"type":"meter","big":123456789012345678901,"huge":1e400,"exact":0.10000000000000000001}"""
            val message = LayerMessage.fromJson(text)
            val again = message.toJson()
            again shouldContain "123456789012345678901"
            again shouldContain "1e400"
            again shouldContain "0.10000000000000000001"
            LayerMessage.fromJson(again) shouldBe message
        }

        test("a huge message without a type is refused with a message of bounded length") {
            val text = "{" + (1..5_000).joinToString(",") { "\"k$it\": $it" } + "}"
            val e = shouldThrow<InvalidLayerMessageException> { LayerMessage.fromJson(text) }
            e.message!!.length shouldBeLessThan 400
            e.message!! shouldContain "needs a string 'type' field"
        }
    })
