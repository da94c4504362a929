package dev.mqttflow.testing

import dev.mqttflow.consumer.publish
import dev.mqttflow.consumer.spawnWorker
import dev.mqttflow.dsl.RouteMode
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** Issue 13: routes that subscribe for themselves and modes per route, in the test kit (virtual time). */
class RouteModesKitTest :
    FunSpec({
        test("a route with a qos subscribes its filter when the worker starts; one without does not") {
            val lights = mqttConsumer("lights") {
                onMessage("home/{room}/motion", qos = 1) { msg -> publish("home/lights/${msg.vars["room"]}/set", "on") }
                onMessage("home/{room}/door") { msg -> publish("door/${msg.vars["room"]}", msg.text) }
            }
            consumerTest(lights) {
                connect() shouldBe Subscribe("home/+/motion", qos = 1)
                expectNoAction()
                subscriptions shouldBe mapOf("home/+/motion" to 1)
                publish("home/hall/motion", "1", qos = 1)
                expectPublish("home/lights/hall/set", "on")
            }
        }

        test("two routes on one filter subscribe it once, at the higher qos, before onConnect runs") {
            val c = mqttConsumer("c") {
                onConnect { subscribe("other/#") }
                onMessage("a/{x}", qos = 0) { }
                onMessage("a/+", qos = 2) { }
            }
            consumerTest(c) {
                connect() shouldBe Subscribe("a/+", qos = 2)
                nextAction() shouldBe Subscribe("other/#", qos = 0)
            }
        }

        test("a spawned worker's params fix the variables of the same name: it subscribes and matches its room only") {
            val room = mqttConsumer("room") {
                onMessage("home/{room}/motion", qos = 1) { msg -> publish("seen/${params["room"]}", msg.topic) }
            }
            val house = mqttConsumer("house") {
                onConnect { spawnWorker(1, room, mapOf("room" to "hall")) }
            }
            consumerTest(house) {
                connect() shouldBe SpawnWorker(1, "room", mapOf("room" to "hall"))
                nextAction() shouldBe Subscribe("home/hall/motion", qos = 1)
                publish("home/hall/motion", "1", qos = 1)
                expectPublish("seen/hall", "home/hall/motion")
                publish("home/kitchen/motion", "1", qos = 1)
                expectNoAction()
            }
        }

        test("a param that cannot fill a topic level is an error naming the pattern and the param") {
            val room = mqttConsumer("room") { onMessage("home/{room}/motion", qos = 1) { } }
            shouldThrow<AssertionError> {
                consumerTest(room, params = mapOf("room" to "a/b")) { connect() }
            }.message.let { it!!.contains("home/{room}/motion") && it.contains("room = 'a/b'") } shouldBe true
        }

        test("Restart per room: a waiting hall run does not stall the kitchen, and new hall motion restarts it") {
            val lights = mqttConsumer("lights") {
                onMessage("home/{room}/motion", qos = 1, mode = RouteMode.Restart(key = { it.vars["room"] })) { msg ->
                    val room = msg.vars.getValue("room")
                    publish("home/lights/$room/set", "on ${msg.text}")
                    delay(5.minutes)
                    publish("home/lights/$room/set", "off ${msg.text}")
                }
            }
            consumerTest(lights) {
                connect()
                publish("home/hall/motion", "1", qos = 1)
                expectPublish("home/lights/hall/set", "on 1")
                publish("home/kitchen/motion", "2", qos = 1)
                expectPublish("home/lights/kitchen/set", "on 2")
                advanceTimeBy(3.minutes)
                publish("home/hall/motion", "3", qos = 1) // cancels the run of "1"
                expectPublish("home/lights/hall/set", "on 3")
                advanceTimeBy(2.minutes)
                expectPublish("home/lights/kitchen/set", "off 2")
                expectNoAction() // "off 1" never comes
                advanceTimeBy(3.minutes)
                expectPublish("home/lights/hall/set", "off 3")
                expectNoAction()
            }
        }

        test("Single drops what arrives while its run goes (acknowledged), then runs again") {
            val button = mqttConsumer("button") {
                onMessage("button/{id}", qos = 1, mode = RouteMode.Single()) { msg ->
                    publish("scene/start", msg.text)
                    delay(10.seconds)
                    publish("scene/end", msg.text)
                }
            }
            consumerTest(button) {
                connect()
                publish("button/a", "1", qos = 1)
                expectPublish("scene/start", "1")
                publish("button/a", "2", qos = 1)
                publish("button/b", "3", qos = 1)
                expectNoAction()
                advanceTimeBy(10.seconds)
                expectPublish("scene/end", "1")
                publish("button/a", "4", qos = 1)
                expectPublish("scene/start", "4")
                advanceTimeBy(10.seconds)
                expectPublish("scene/end", "4")
            }
        }

        test("Parallel(2) runs two at once and drops a third while both go") {
            val jobs = mqttConsumer("jobs") {
                onMessage("job/{n}", qos = 1, mode = RouteMode.Parallel(max = 2)) { msg ->
                    delay(1.minutes)
                    publish("done", msg.vars.getValue("n"))
                }
            }
            consumerTest(jobs) {
                connect()
                publish("job/1", "", qos = 1)
                publish("job/2", "", qos = 1)
                publish("job/3", "", qos = 1)
                advanceTimeBy(1.minutes)
                published.map { it.payload.decodeToString() }.sorted() shouldBe listOf("1", "2")
                publish("job/4", "", qos = 1)
                advanceTimeBy(1.minutes)
                published.map { it.payload.decodeToString() }.sorted() shouldBe listOf("1", "2", "4")
            }
        }

        test("a Restart run that throws is a handler failure, and its message is still acknowledged") {
            val fragile = mqttConsumer("fragile") {
                onMessage("in/{k}", qos = 1, mode = RouteMode.Restart { it.vars["k"] }) { msg ->
                    delay(1.seconds)
                    check(msg.text != "bad") { "bad input on ${msg.topic}" }
                    publish("ok", msg.text)
                }
            }
            consumerTest(fragile) {
                connect()
                publish("in/a", "bad", qos = 1)
                publish("in/b", "good", qos = 1)
                advanceTimeBy(1.seconds)
                expectPublish("ok", "good")
                failures.size shouldBe 1
                failures.single().error.message shouldBe "bad input on in/a"
            }
        }
    })
