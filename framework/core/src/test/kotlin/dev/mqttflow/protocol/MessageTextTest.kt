package dev.mqttflow.protocol

import dev.mqttflow.errors.PayloadException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class MessageTextTest :
    FunSpec({
        // "caf" then 0xC3 0x28: a two-byte sequence whose second byte is not a continuation byte.
        val corrupt = byteArrayOf(0x63, 0x61, 0x66, 0xC3.toByte(), 0x28)

        test("text replaces invalid UTF-8 with U+FFFD and does not throw") {
            Message("home/kitchen/motion", corrupt).text shouldBe "caf\uFFFD("
        }

        test("textStrict decodes valid UTF-8, multi-byte characters included") {
            Message("t", "café ☕ 𝄞".encodeToByteArray()).textStrict shouldBe "café ☕ 𝄞"
            Message("t", ByteArray(0)).textStrict shouldBe ""
        }

        test("textStrict throws a PayloadException naming the topic and the first invalid byte") {
            val e = shouldThrow<PayloadException> { Message("home/kitchen/motion", corrupt).textStrict }
            e.topic shouldBe "home/kitchen/motion"
            e.message shouldBe "payload on 'home/kitchen/motion' is not valid UTF-8: byte 0xC3 at offset 3 of 5 " +
                "(msg.text would show U+FFFD there)"
        }

        test("textStrict rejects a payload cut off inside a multi-byte character") {
            val cut = "☕".encodeToByteArray().copyOf(2)
            shouldThrow<PayloadException> { Message("t", cut).textStrict }.message shouldContain "offset 0 of 2"
        }
    })
