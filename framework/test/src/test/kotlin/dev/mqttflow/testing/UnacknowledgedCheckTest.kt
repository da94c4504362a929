package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.protocol.Message
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes

/** Issue 12: the kit fails a test that leaves QoS 1/2 deliveries unacknowledged, like Okio's checkNoOpenFiles. */
class UnacknowledgedCheckTest :
    FunSpec({
        val slow = object : Consumer {
            override val name = "slow"

            override suspend fun onConnect(context: ConsumerContext) = context.subscribe("slow/#", qos = 1)

            override suspend fun onMessage(context: ConsumerContext, message: Message) = delay(1.hours)
        }

        test("a test that ends while a QoS 1 message is still being handled fails, naming the message") {
            val error = shouldThrow<AssertionError> {
                consumerTest(slow) {
                    connect()
                    publish("slow/a", "first", qos = 1)
                    publish("slow/b", "second", qos = 1)
                }
            }
            error.message shouldContain "2 QoS 1/2 message(s) that 'slow' has not acknowledged"
            error.message shouldContain "'slow/a' (QoS 1): \"first\""
            error.message shouldContain "'slow/b' (QoS 1): \"second\""
            error.message shouldContain "allowUnacknowledged = true"
        }

        test("the same test passes once virtual time lets the handler finish") {
            consumerTest(slow) {
                connect()
                publish("slow/a", "first", qos = 1)
                advanceTimeBy(1.hours)
            }
        }

        test("QoS 0 messages are not checked") {
            consumerTest(slow) {
                connect()
                publish("slow/a", "first", qos = 0)
            }
        }

        test("allowUnacknowledged opts out explicitly") {
            consumerTest(slow, allowUnacknowledged = true) {
                connect()
                publish("slow/a", "first", qos = 1)
                advanceTimeBy(1.minutes)
            }
        }
    })
