package dev.mqttflow.automation

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.protocol.Message
import dev.mqttflow.testing.ConsumerTestScope
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.serialization.builtins.serializer
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/**
 * Motion lights on a durable timer: `1` switches the room on and (re)arms `off` for five minutes;
 * `keep` arms it only if not pending; `cancel` disarms it; `at:<instant>` arms it for an instant;
 * `slow` keeps the handler busy for 10 s. Each message ends with `pending/{room}` = the deadline.
 */
internal class TimerLights(misfire: MisfirePolicy = MisfirePolicy.FireAtOnce) :
    Consumer,
    DeclaresTimers {
    override val name = "lights"
    val off = Timer("off", String.serializer(), misfire) { room -> publish("home/lights/$room/set", "off", qos = 1) }
    override val timers = listOf(off)

    override suspend fun onConnect(context: ConsumerContext) {
        context.subscribe("home/+/motion", qos = 1)
    }

    override suspend fun onMessage(context: ConsumerContext, message: Message) {
        val room = message.topic.split('/')[1]
        val text = message.text
        when {
            text == "1" -> {
                context.publish("home/lights/$room/set", "on", qos = 1)
                off.restart(room, after = 5.minutes)
            }

            text == "keep" -> off.startOrKeep(room, after = 5.minutes)

            text == "cancel" -> off.cancel(room)

            text.startsWith("at:") -> off.at(room, Instant.parse(text.removePrefix("at:")))

            text == "slow" -> delay(10.seconds)
        }
        context.publish("pending/$room", off.pending(room).toString())
    }
}

private fun ConsumerTestScope.offs(): List<String> =
    published.filter { it.topic.endsWith("/set") && it.text == "off" }.map { it.topic }

class TimerTest :
    FunSpec({
        test("restart fires once at the deadline, not before, and deletes its row after the body") {
            consumerTest(TimerLights()) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                expectPublish("home/lights/hall/set", "on")
                expectPublish("pending/hall", "2025-01-01T00:05:00Z")
                store.timers("lights").map { it.timer to it.key } shouldBe listOf("off" to "hall")
                store.timers("lights").single().argument shouldBe "\"hall\""
                advanceTimeBy(5.minutes - 1.seconds)
                expectNoAction()
                advanceTimeBy(1.seconds)
                expectPublish("home/lights/hall/set", "off")
                expectNoAction()
                store.timers("lights").shouldBeEmpty()
                advanceTimeBy(30.minutes)
                expectNoAction()
            }
        }

        test("restart moves the deadline, startOrKeep keeps it, cancel disarms") {
            consumerTest(TimerLights()) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                advanceTimeBy(4.minutes)
                publish("home/hall/motion", "1", qos = 1) // restart: due at 00:09 now
                advanceTimeBy(4.minutes)
                offs().shouldBeEmpty()
                publish("home/hall/motion", "keep", qos = 1) // pending: stays at 00:09
                advanceTimeBy(1.minutes)
                offs() shouldBe listOf("home/lights/hall/set")
                publish("home/attic/motion", "keep", qos = 1) // not pending: armed for 00:14
                publish("home/attic/motion", "cancel", qos = 1)
                advanceTimeBy(10.minutes)
                offs() shouldBe listOf("home/lights/hall/set")
                published.last { it.topic == "pending/attic" }.text shouldBe "null"
                store.timers("lights").shouldBeEmpty()
            }
        }

        test("at arms an absolute deadline") {
            consumerTest(TimerLights()) {
                connect()
                publish("home/hall/motion", "at:2025-01-01T07:00:00Z", qos = 1)
                expectPublish("pending/hall", "2025-01-01T07:00:00Z")
                advanceTimeBy(420.minutes - 1.seconds)
                expectNoAction()
                advanceTimeBy(1.seconds)
                expectPublish("home/lights/hall/set", "off")
            }
        }

        test("a firing waits in the inbox for the handler in flight: one at a time") {
            consumerTest(TimerLights()) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                advanceTimeBy(4.minutes + 55.seconds)
                publish("home/hall/motion", "slow", qos = 1) // busy from 04:55 to 05:05
                advanceTimeBy(5.seconds)
                offs().shouldBeEmpty() // due at 05:00, but the handler has not returned
                advanceTimeBy(5.seconds)
                published.map { it.topic }.takeLast(2) shouldBe listOf("pending/hall", "home/lights/hall/set")
            }
        }

        test("restart() in the middle of a pending timer: it fires once, at its deadline") {
            consumerTest(TimerLights()) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                advanceTimeBy(2.minutes)
                restart()
                advanceTimeBy(3.minutes - 1.seconds)
                offs().shouldBeEmpty()
                advanceTimeBy(1.seconds)
                offs() shouldBe listOf("home/lights/hall/set")
                advanceTimeBy(1.minutes)
                restart()
                advanceTimeBy(10.minutes)
                offs() shouldBe listOf("home/lights/hall/set")
            }
        }

        test("a deadline missed while down fires at once by default") {
            consumerTest(TimerLights()) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                restart(downFor = 1.minutes)
                offs().shouldBeEmpty()
                restart(downFor = 1000.minutes) // down past the deadline
                offs() shouldBe listOf("home/lights/hall/set")
                store.timers("lights").shouldBeEmpty()
            }
        }

        test("Skip drops a missed firing; FireIfLateBy fires only when less late than its bound") {
            consumerTest(TimerLights(MisfirePolicy.Skip)) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                restart(downFor = 6.minutes)
                advanceTimeBy(10.minutes)
                offs().shouldBeEmpty()
                store.timers("lights").shouldBeEmpty()
            }
            consumerTest(TimerLights(MisfirePolicy.FireIfLateBy(2.minutes))) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                publish("home/attic/motion", "at:2025-01-01T00:02:00Z", qos = 1)
                restart(downFor = 6.minutes) // attic 4 min late: dropped; hall 1 min late: fires
                advanceTimeBy(10.minutes)
                offs() shouldBe listOf("home/lights/hall/set")
            }
        }

        test("a stored timer the consumer no longer declares is dropped at start") {
            consumerTest(TimerLights()) {
                val due = Instant.parse("2025-01-01T00:01:00Z")
                store.saveTimer(StoredTimer("lights", "gone", "hall", due, "\"hall\""))
                store.saveTimer(StoredTimer("lights", "off", "attic", due, "\"attic\""))
                connect()
                store.timers("lights").map { it.timer } shouldBe listOf("off")
                advanceTimeBy(1.minutes)
                offs() shouldBe listOf("home/lights/attic/set")
                failures.shouldBeEmpty()
            }
        }

        test("using a timer outside the consumer that declares it fails naming the timer") {
            val stray = Timer("stray", String.serializer()) { }
            val error = runCatching { stray.restart("x", 1.seconds) }.exceptionOrNull()
            error?.message.orEmpty() shouldContain "timer 'stray' used outside a handler"
        }
    })
