package dev.mqttflow.monitoring

import dev.mqttflow.automation.TimerLights
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.protocol.Message
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.slf4j.MDC
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** Issue 17: health, the status snapshot and the MDC of handlers, on the real runtime in the kit. */
class FlowStatusTest :
    FunSpec({
        class Capture : FlowMonitor {
            lateinit var status: FlowStatus

            override fun attached(status: FlowStatus) {
                this.status = status
            }
        }

        val lights = object : Consumer {
            override val name = "lights"

            override suspend fun onConnect(context: ConsumerContext) {
                context.subscribe("home/+/motion", qos = 1)
                context.subscribe("home/+/switch", qos = 0)
            }

            override suspend fun onMessage(context: ConsumerContext, message: Message) {
                if (message.text == "boom") error("no such room")
            }
        }

        test("ready once onConnect returned; the snapshot lists workers, subscriptions and a recent failure") {
            val capture = Capture()
            consumerTest(lights, monitor = capture) {
                connect()
                runCurrent()
                capture.status.health shouldBe Health(live = true, ready = true, reasons = emptyList())
                publish("home/hall/motion", "boom", qos = 1)
                runCurrent()
                val snapshot = capture.status.snapshot()
                snapshot.connection shouldBe ConnectionState.CONNECTED
                val worker = snapshot.workers.single()
                worker.name shouldBe "lights"
                worker.subscriptions shouldBe mapOf("home/+/motion" to 1, "home/+/switch" to 0)
                val failure = snapshot.recentFailures.single()
                failure.worker shouldBe "lights"
                failure.topic shouldBe "home/hall/motion"
                failure.error shouldContain "no such room"
            }
            capture.status.health.live shouldBe false
        }

        test("not ready while a master's onConnect has not returned, saying which") {
            val capture = Capture()
            val slowStart = object : Consumer {
                override val name = "slow-start"

                override suspend fun onConnect(context: ConsumerContext) = delay(10.seconds)
            }
            consumerTest(slowStart, monitor = capture) {
                connect()
                runCurrent()
                capture.status.health.ready shouldBe false
                capture.status.health.reasons shouldContain "onConnect of 'slow-start' has not returned"
                advanceTimeBy(11.seconds)
                capture.status.health.ready shouldBe true
            }
        }

        test(
            "the snapshot lists armed durable timers (worker, timer, key, deadline), soonest first, across a restart",
        ) {
            val capture = Capture()
            consumerTest(TimerLights(), monitor = capture) {
                connect()
                val start = clock.now()
                publish("home/hall/motion", "1", qos = 1)
                advanceTimeBy(1.minutes)
                publish("home/porch/motion", "at:${start + 2.minutes}", qos = 1)
                runCurrent()
                capture.status.timersPending shouldBe 2
                capture.status.snapshot().timers shouldBe listOf(
                    PendingTimer("lights", "off", "porch", start + 2.minutes),
                    PendingTimer("lights", "off", "hall", start + 5.minutes),
                )
                restart()
                runCurrent()
                capture.status.snapshot().timers.map { it.key } shouldBe listOf("porch", "hall")
                publish("home/hall/motion", "cancel", qos = 1)
                advanceTimeBy(2.minutes)
                runCurrent()
                capture.status.snapshot().timers.shouldBeEmpty()
                capture.status.timersPending shouldBe 0
            }
        }

        test("handlers log with worker, consumer and topic in the MDC; their timers with worker and consumer only") {
            val seen = ArrayList<Map<String, String?>>()
            fun mdc() = listOf("worker", "consumer", "topic").associateWith { MDC.get(it) }
            val logging = object : Consumer {
                override val name = "logging"

                override suspend fun onConnect(context: ConsumerContext) = context.subscribe("a/#", qos = 1)

                override suspend fun onMessage(context: ConsumerContext, message: Message) {
                    seen += mdc()
                    delay(1.seconds) // resumes, possibly elsewhere: the MDC comes along
                    seen += mdc()
                    context.launch { seen += mdc() }
                }
            }
            consumerTest(logging) {
                connect()
                publish("a/\u0007b", "x", qos = 1)
                advanceTimeBy(2.seconds)
            }
            val inHandler = mapOf("worker" to "logging", "consumer" to "logging", "topic" to "a/\\u0007b")
            seen shouldBe listOf(inHandler, inHandler, inHandler + ("topic" to null))
            MDC.get("worker") shouldBe null
        }
    })
