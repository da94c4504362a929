package dev.mqttflow.testing

import dev.mqttflow.consumer.BlockingConsumer
import dev.mqttflow.consumer.BlockingContext
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.GroupSend
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import java.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant

/** A blocking consumer on the channel layer: joins `lights`, answers overrides, reports to `audit`. */
private class BlockingLights : BlockingConsumer("blocking-lights") {
    override fun onConnect(context: BlockingContext) {
        context.groupAdd("lights")
    }

    override fun onLayerMessage(context: BlockingContext, message: LayerMessage): Boolean {
        if (message.type != "lights.override") return false
        val room = message.body.getValue("room").toString().trim('"')
        context.publish("home/lights/$room/set", "off")
        context.groupSend("audit", "lights.changed", """{"room": "$room"}""")
        return true
    }
}

/** A blocking consumer driven by the text of each message on `cmd`. */
private class Commands : BlockingConsumer("commands") {
    private var timer: BlockingContext.Scheduled? = null

    override fun onConnect(context: BlockingContext) {
        context.subscribe("cmd", 1)
        context.publish("status", "up " + context.params["id"], 1, true)
    }

    override fun onMessage(context: BlockingContext, message: Message) {
        when (message.text) {
            "two" -> {
                context.publish("out", "first")
                context.publish("out", "second")
            }

            "fail" -> {
                context.publish("out", "never sent")
                error("failed after queueing")
            }

            "bad" -> context.publish("out/#", "invalid topic")

            "arm" -> timer = context.schedule(Duration.ofMinutes(5)) { it.publish("out", "alarm at " + it.now()) }

            "disarm" -> timer?.cancel()
        }
    }
}

class BlockingConsumerTest :
    FunSpec({
        test("actions queued by a blocking method are performed in order after it returns") {
            consumerTest(Commands(), params = mapOf("id" to 7)) {
                connect() shouldBe Subscribe("cmd", 1)
                nextAction() shouldBe Publish("status", "up 7", 1, true)
                publish("cmd", "two")
                actions.drop(2) shouldContainExactly listOf(Publish("out", "first"), Publish("out", "second"))
            }
        }

        test("a blocking method that throws sends none of what it queued") {
            consumerTest(Commands()) {
                connect()
                publish("cmd", "fail")
                actions.drop(2).shouldBeEmpty()
                failures.single().error.message shouldBe "failed after queueing"
            }
        }

        test("an invalid topic throws inside the blocking method, naming the topic") {
            consumerTest(Commands()) {
                connect()
                publish("cmd", "bad")
                failures.single().error.shouldBeInstanceOf<InvalidTopicException>().topic shouldBe "out/#"
            }
        }

        test("a scheduled task runs after its delay in virtual time, and a cancelled one never runs") {
            consumerTest(Commands(), startTime = Instant.parse("2025-03-01T08:00:00Z")) {
                connect()
                publish("cmd", "arm")
                advanceTimeBy(5.minutes)
                actions.drop(2) shouldContainExactly listOf(Publish("out", "alarm at 2025-03-01T08:05:00Z"))
                publish("cmd", "arm")
                publish("cmd", "disarm")
                advanceTimeBy(10.minutes)
                actions.drop(3).shouldBeEmpty()
            }
        }

        test("a blocking consumer joins groups, handles layer messages and sends to groups") {
            consumerTest(BlockingLights()) {
                connect()
                layer.groupSend(
                    "lights",
                    LayerMessage("lights.override", JsonObject(mapOf("room" to JsonPrimitive("hall")))),
                )
                runCurrent()
                expectPublish("home/lights/hall/set", "off")
                nextAction() shouldBe
                    GroupSend(
                        "audit",
                        LayerMessage("lights.changed", JsonObject(mapOf("room" to JsonPrimitive("hall")))),
                    )
                send(LayerMessage("something.else"))
                expectNoAction()
            }
        }
    })
