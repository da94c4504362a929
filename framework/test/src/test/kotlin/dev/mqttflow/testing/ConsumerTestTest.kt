package dev.mqttflow.testing

import dev.mqttflow.consumer.publish
import dev.mqttflow.it.consumer
import dev.mqttflow.protocol.Publish
import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.protocol.Unsubscribe
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.maps.shouldBeEmpty
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/** Subscribes to [filter] and reports every message it gets on `seen`: topic, payload, QoS and retain flag. */
private fun reporter(filter: String, qos: Int = 1) =
    consumer("reporter", onConnect = { subscribe(filter, qos) }) { msg ->
        publish("seen", "${msg.topic} ${msg.text} qos=${msg.qos} retain=${msg.retain}")
    }

class ConsumerTestTest :
    FunSpec({
        test("connect returns the consumer's first action, and null when onConnect sends nothing") {
            consumerTest(reporter("home/#")) {
                connect() shouldBe Subscribe("home/#", qos = 1)
                expectNoAction()
            }
            consumerTest(consumer("quiet")) {
                connect().shouldBeNull()
            }
        }

        test("a published message reaches the consumer through a matching wildcard subscription") {
            consumerTest(reporter("home/+/motion")) {
                connect()
                publish("home/living/motion", "1")
                expectPublish("seen", "home/living/motion 1 qos=0 retain=false")
            }
        }

        test("a message that matches none of the consumer's subscriptions does not reach it") {
            consumerTest(reporter("home/+/motion")) {
                connect()
                publish("home/living/room/motion", "1")
                publish("garden/living/motion", "1")
                expectNoAction()
            }
            consumerTest(reporter("#")) {
                connect()
                publish("\$SYS/broker/uptime", "10")
                expectNoAction()
            }
        }

        test("QoS is carried: the handler sees the lower of the publish's and the subscription's QoS") {
            consumerTest(reporter("q/#", qos = 1)) {
                connect()
                publish("q/a", "x", qos = 2)
                publish("q/b", "y", qos = 0)
                nextAction() shouldBe Publish("seen", "q/a x qos=1 retain=false")
                nextAction() shouldBe Publish("seen", "q/b y qos=0 retain=false")
            }
        }

        test("a message retained before the consumer subscribes is delivered, flagged retained, on subscribe") {
            consumerTest(reporter("status/#", qos = 2)) {
                publish("status/door", "open", qos = 1, retain = true)
                connect() shouldBe Subscribe("status/#", qos = 2)
                expectPublish("seen", "status/door open qos=1 retain=true")
                retained("status/door")?.text shouldBe "open"
            }
        }

        test("after the consumer unsubscribes, messages stop reaching it") {
            val quitter = consumer("quitter", onConnect = { subscribe("cmd/#") }) { msg ->
                if (msg.text == "stop") unsubscribe("cmd/#") else publish("seen", msg.text)
            }
            consumerTest(quitter) {
                connect()
                publish("cmd/a", "one")
                expectPublish("seen", "one")
                publish("cmd/a", "stop")
                nextAction() shouldBe Unsubscribe("cmd/#")
                publish("cmd/a", "two")
                expectNoAction()
                subscriptions.shouldBeEmpty()
            }
        }

        test("actions record what the consumer sent, even when the broker needed no second SUBSCRIBE") {
            val twice = consumer("twice", onConnect = {
                subscribe("a/#", 1)
                subscribe("a/#", 0)
                publish("a/x", "hi", qos = 1)
            })
            consumerTest(twice) {
                connect() shouldBe Subscribe("a/#", 1)
                actions shouldContainExactly listOf(Subscribe("a/#", 1), Subscribe("a/#", 0), Publish("a/x", "hi", 1))
                published shouldContainExactly listOf(Publish("a/x", "hi", 1))
                subscriptions shouldBe mapOf("a/#" to 1)
                actionLog.map { it.worker }.distinct() shouldContainExactly listOf("twice")
            }
        }

        test("nothing moves virtual time but the test: a timer fires exactly when its time has come") {
            val timer = consumer("timer", onConnect = { subscribe("go") }) {
                launch {
                    delay(5.minutes)
                    publish("done", "after five minutes")
                }
            }
            consumerTest(timer) {
                connect()
                publish("go", "")
                expectNoAction()
                advanceTimeBy(5.minutes - 1.seconds)
                expectNoAction()
                advanceTimeBy(1.seconds)
                expectPublish("done")
                currentTime shouldBe 5.minutes.inWholeMilliseconds
            }
        }

        test("the consumer's clock is the virtual clock") {
            val start = Instant.parse("2030-06-01T12:00:00Z")
            val clocked = consumer("clocked", onConnect = { subscribe("now?") }) {
                publish("now", clock.now().toString())
            }
            consumerTest(clocked, startTime = start) {
                connect()
                advanceTimeBy(90.minutes)
                publish("now?", "")
                expectPublish("now", "2030-06-01T13:30:00Z")
                clock.now() shouldBe Instant.parse("2030-06-01T13:30:00Z")
            }
        }

        test("params reach the worker's context") {
            val room = consumer("room", onConnect = { subscribe("home/${params["room"]}/motion") })
            consumerTest(room, params = mapOf("room" to "attic")) {
                connect() shouldBe Subscribe("home/attic/motion")
            }
        }

        test("disconnect runs onDisconnect, whose actions can still be taken, and releases the subscriptions") {
            val polite = consumer(
                "polite",
                onConnect = { subscribe("in") },
                onDisconnect = { publish("status", "bye", retain = true) },
            )
            consumerTest(polite) {
                connect()
                disconnect()
                expectPublish("status", "bye")
                retained("status")?.text shouldBe "bye"
                subscriptions.shouldBeEmpty()
            }
        }

        test("the consumer is disconnected when the block ends, so onDisconnect runs without being asked for") {
            var disconnected = false
            consumerTest(consumer("bare", onDisconnect = { disconnected = true })) { connect() }
            disconnected shouldBe true
        }

        test("nothing the consumer launched outlives the test, even when the test fails") {
            var timer: Job? = null
            var disconnected = false
            val sleeper = consumer(
                "sleeper",
                onConnect = { timer = launch { delay(1.days) } },
                onDisconnect = { disconnected = true },
            )
            shouldThrow<AssertionError> {
                consumerTest(sleeper) {
                    connect()
                    nextAction()
                }
            }
            timer!!.isCancelled shouldBe true
            disconnected shouldBe true
        }

        test("a QoS 1 message is acknowledged only after its handler returned") {
            val slow = consumer("slow", onConnect = { subscribe("work", qos = 1) }) { delay(1.minutes) }
            consumerTest(slow) {
                connect()
                publish("work", "job", qos = 1)
                broker.unacknowledged(KitSession.CLIENT_ID).map { it.text } shouldContainExactly listOf("job")
                advanceTimeBy(1.minutes)
                broker.unacknowledged(KitSession.CLIENT_ID).shouldBeEmpty()
            }
        }

        test("a publish to an invalid topic is a handler failure, not an action") {
            val bad = consumer("bad", onConnect = { publish("a/+", "x") })
            consumerTest(bad) {
                val error = shouldThrow<AssertionError> { connect() }
                error.message shouldContain "onConnect threw dev.mqttflow.errors.InvalidTopicException"
                actions.shouldBeEmpty()
                failures.single().handler shouldBe "onConnect"
            }
        }
    })
