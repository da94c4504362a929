package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.it.consumer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runTest
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val echo = consumer("echo", onConnect = { subscribe("echo/in", qos = 1) }) { msg ->
    publish("echo/out", msg.text, qos = 1)
}

/** Answers after [after] of (virtual) time. */
private fun slowEcho(after: kotlin.time.Duration) = consumer("slow", onConnect = { subscribe("in") }) { msg ->
    delay(after)
    publish("out", msg.text)
}

class MqttCommunicatorTest :
    FunSpec({
        test("connect, publish, receiveFrom and disconnect work the way mqttasgi's communicator does") {
            runTest {
                val communicator = MqttCommunicator(this, echo)
                communicator.connect() shouldBe Subscribe("echo/in", qos = 1)
                communicator.publish("echo/in", "hello", qos = 1)
                communicator.receiveFrom() shouldBe Publish("echo/out", "hello", qos = 1)
                communicator.disconnect()
            }
        }

        test("receiveFrom waits up to its timeout, in virtual time, for an answer that takes a while") {
            runTest {
                val communicator = MqttCommunicator(this, slowEcho(after = 500.milliseconds))
                communicator.connect()
                communicator.publish("in", "late")
                communicator.receiveFrom() shouldBe Publish("out", "late")
                currentTime shouldBe 500
                communicator.disconnect()
            }
        }

        test("receiveFrom fails after its timeout, showing what the consumer did") {
            runTest {
                val communicator = MqttCommunicator(this, slowEcho(after = 2.seconds))
                communicator.connect()
                communicator.publish("in", "too late")
                val error = shouldThrow<AssertionError> { communicator.receiveFrom(timeout = 1.seconds) }
                error.message shouldContain
                    "expected an action from 'slow', but it sent nothing more (virtual time +1s)"
                error.message shouldContain "1. [+0s] slow: Subscribe(filter=in, qos=0)   (taken)"
                communicator.disconnect()
            }
        }

        test("a communicator left connected does not keep the test from ending") {
            val ticker = consumer("ticker", onConnect = {
                launch {
                    while (true) {
                        delay(1.seconds)
                        publish("tick", "")
                    }
                }
            })
            runTest {
                val communicator = MqttCommunicator(this, ticker)
                communicator.connect()
                communicator.receiveFrom(timeout = 2.seconds) shouldBe Publish("tick", "")
            }
        }

        test("receiveNothing waits in virtual time and leaves an answer that comes for receiveFrom") {
            runTest {
                val communicator = MqttCommunicator(this, slowEcho(after = 500.milliseconds))
                communicator.connect()
                communicator.publish("in", "late")
                communicator.receiveNothing(timeout = 100.milliseconds) shouldBe true
                communicator.receiveNothing(timeout = 1.seconds) shouldBe false
                communicator.expectPublish("out", "late")
                communicator.expectNoAction()
                communicator.disconnect()
            }
        }

        test("the kit's calls work through the communicator too: send, advanceTimeBy, restart, published") {
            runTest {
                val layered = object : Consumer {
                    override val name = "layered"

                    override suspend fun onConnect(context: ConsumerContext) = context.subscribe("in")

                    override suspend fun onMessage(context: ConsumerContext, message: Message) =
                        context.publish("out", message.text)

                    override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean {
                        context.publish("seen", message.type)
                        return true
                    }
                }
                val communicator = MqttCommunicator(this, layered)
                communicator.connect() shouldBe Subscribe("in", qos = 0)
                communicator.send(LayerMessage("ping"))
                communicator.expectPublish("seen", "ping")
                communicator.restart(downFor = 1.seconds)
                communicator.receiveFrom() shouldBe Subscribe("in", qos = 0)
                communicator.publish("in", "again")
                communicator.published.map { it.text } shouldBe listOf("ping", "again")
                communicator.disconnect()
            }
        }
    })
