package dev.mqttflow.testing

import dev.mqttflow.consumer.publish
import dev.mqttflow.it.consumer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlin.time.Duration.Companion.minutes

/** Subscribes to `in`; answers `ok` on `out`, throws on `boom`, and starts a failing timer on `later`. */
private val moody = consumer("moody", onConnect = { subscribe("in", qos = 1) }) { msg ->
    when (msg.text) {
        "boom" -> error("boom on purpose")

        "later" -> launch {
            delay(1.minutes)
            throw IllegalArgumentException("timer failed on purpose")
        }

        else -> publish("out", msg.text)
    }
}

class FailureMessageTest :
    FunSpec({
        test("a missing action fails with the actions so far, marking those already taken") {
            consumerTest(moody) {
                connect()
                publish("in", "ok")
                val error = shouldThrow<AssertionError> {
                    nextAction()
                    nextAction()
                }
                val message = error.message!!
                message shouldContain "expected an action from 'moody', but it sent nothing more"
                message shouldContain "actions so far (2, 2 taken by the test)"
                message shouldContain "1. [+0s] moody: Subscribe(filter=in, qos=1)   (taken)"
                message shouldContain "2. [+0s] moody: Publish(topic=out, payload=\"ok\", qos=0, retain=false)"
                message shouldContain "no handler threw"
            }
        }

        test("a handler's exception appears in the failure message with its stack trace") {
            consumerTest(moody) {
                connect()
                publish("in", "boom")
                val message = shouldThrow<AssertionError> { expectPublish("out") }.message!!
                message shouldContain "expected a Publish to 'out', but 'moody' sent nothing more"
                message shouldContain "handler failures (1):"
                message shouldContain
                    "moody: onMessage on topic 'in' threw java.lang.IllegalStateException: boom on purpose"
                message shouldContain "at dev.mqttflow.testing.FailureMessageTestKt"
                failures.single().error.message shouldBe "boom on purpose"
            }
        }

        test("a failing timer that a handler launched is reported too, at its virtual time") {
            consumerTest(moody) {
                connect()
                publish("in", "later")
                advanceTimeBy(1.minutes)
                val message = shouldThrow<AssertionError> { nextAction() }.message!!
                message shouldContain "[+1m] moody: a coroutine it launched threw " +
                    "java.lang.IllegalArgumentException: timer failed on purpose"
                message shouldContain "(virtual time +1m)"
            }
        }

        test("expectPublish names the topic it wanted and the action that came instead") {
            consumerTest(moody) {
                connect()
                publish("in", "ok")
                val message = shouldThrow<AssertionError> { expectPublish("elsewhere", "ok") }.message!!
                message shouldContain
                    "expected a Publish to 'elsewhere' with payload \"ok\", but the next action was " +
                    "Publish(topic=out, payload=\"ok\", qos=0, retain=false)"
            }
        }

        test("expectNoAction lists what the consumer sent") {
            consumerTest(moody) {
                connect()
                publish("in", "unexpected")
                val message = shouldThrow<AssertionError> { expectNoAction() }.message!!
                message shouldContain "expected no action from 'moody', but it sent 1 more"
                message shouldContain "payload=\"unexpected\""
                message shouldNotContain "handler failures"
            }
        }

        test("asking for an action before connect says to connect first") {
            consumerTest(moody) {
                shouldThrow<AssertionError> { nextAction() }.message shouldBe
                    "nextAction() before connect(): call connect() first, it starts 'moody'"
            }
        }
    })
