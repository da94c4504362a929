package dev.mqttflow.dsl

import dev.mqttflow.database.declaredTables
import dev.mqttflow.database.tables
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.jetbrains.exposed.v1.core.Table

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

        test("tables declared in the builder are what the runtime will create, each once") {
            val a = object : Table("a") {}
            val b = object : Table("b") {}
            val first = mqttConsumer("first") { tables(a, b, a) }
            val second = mqttConsumer("second") { tables(b) }
            val plain = mqttConsumer("plain") { }
            declaredTables(listOf(first)) shouldBe listOf(a, b)
            declaredTables(listOf(first, second, plain)) shouldBe listOf(a, b)
        }
    })
