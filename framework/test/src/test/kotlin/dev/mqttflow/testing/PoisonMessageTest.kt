package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.protocol.Message
import dev.mqttflow.worker.RetryPolicy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import kotlin.time.Duration.Companion.seconds

/** Issue 11, item 5, in virtual time: retried in place, then dead-lettered, then acknowledged. */
class PoisonMessageTest :
    FunSpec({
        val handled = ArrayList<String>()
        val picky = object : Consumer {
            override val name = "picky"
            override val onFailure = RetryPolicy(retries = 2, backoff = 1.seconds, deadLetter = "dead/{consumer}")

            override suspend fun onConnect(context: ConsumerContext) = context.subscribe("in/#", qos = 1)

            override suspend fun onMessage(context: ConsumerContext, message: Message) {
                if (message.text == "poison") error("cannot digest it")
                handled += message.text
            }
        }

        test("a throwing QoS 1 message is retried in place with doubling backoff, then dead-lettered with its facts") {
            handled.clear()
            consumerTest(picky) {
                connect()
                publish("in/a", "poison", qos = 1)
                publish("in/b", "fine", qos = 1)
                handled shouldBe emptyList() // the later message waits behind the retries
                advanceTimeBy(1.seconds) // second attempt
                published shouldBe emptyList()
                advanceTimeBy(2.seconds) // third and last attempt, then the dead letter
                val dead = published.single { it.topic == "dead/picky" }
                dead.text shouldBe "poison"
                dead.properties.userProperties shouldContainExactly listOf(
                    "mqttflow-topic" to "in/a",
                    "mqttflow-error" to "java.lang.IllegalStateException",
                    "mqttflow-error-message" to "cannot digest it",
                    "mqttflow-attempts" to "3",
                    "mqttflow-consumer" to "picky",
                )
                handled shouldBe listOf("fine")
                failures.size shouldBe 1
                broker.unacknowledged(KitSession.CLIENT_ID) shouldBe emptyList()
            }
        }

        test("QoS 0 messages are neither retried nor dead-lettered") {
            handled.clear()
            consumerTest(picky) {
                connect()
                publish("in/a", "poison", qos = 0)
                publish("in/b", "fine", qos = 0)
                handled shouldBe listOf("fine")
                published shouldBe emptyList()
            }
        }
    })
