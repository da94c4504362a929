package dev.mqttflow.dsl

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class MqttConsumerTest :
    FunSpec({
        test("the builder records a name and refuses a second onConnect") {
            val c = mqttConsumer("lights") { onConnect { } }
            c.name shouldBe "lights"
            shouldThrow<IllegalStateException> {
                mqttConsumer("twice") {
                    onConnect { }
                    onConnect { }
                }
            }.message shouldContain "two onConnect"
        }

        test("a blank name is refused") {
            shouldThrow<IllegalArgumentException> { mqttConsumer(" ") { } }
        }

        test("a bad pattern fails when the consumer is described, not when a message arrives") {
            shouldThrow<dev.mqttflow.errors.InvalidTopicException> {
                mqttConsumer("bad") { onMessage("a/{x") { } }
            }.message shouldContain "a/{x"
        }
    })
