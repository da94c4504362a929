package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.it.consumer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.layer.LightsOverride
import dev.mqttflow.protocol.GroupSend
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.SpawnWorker
import dev.mqttflow.protocol.Subscribe
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe

/** Spawns and layer messages in the test kit: spawns show as actions, layer messages can be sent in. */
class KitWorkersAndLayerTest :
    FunSpec({
        val room = consumer("room", onConnect = { subscribe("home/${params["room"]}/#") })

        test("a master's spawns and kills appear as actions, followed by what the spawned worker does") {
            val master = consumer("master", onConnect = {
                spawnWorker(1, room, mapOf("room" to "hall"))
                subscribe("ctl/kill")
            }) { killWorker(1) }
            consumerTest(master) {
                connect() shouldBe SpawnWorker(1, "room", mapOf("room" to "hall"))
                // spawning does not wait for the worker's onConnect: the master goes on first
                nextAction() shouldBe Subscribe("ctl/kill")
                nextAction() shouldBe Subscribe("home/hall/#")
                actionLog.map { it.worker } shouldBe listOf("master", "master", "room@1")
                publish("ctl/kill", "now")
                nextAction() shouldBe KillWorker(1)
                subscriptions.keys shouldBe setOf("ctl/kill")
            }
        }

        test("a layer message sent in reaches the consumer's handler; its group sends are actions") {
            val lights = object : Consumer {
                override val name = "lights"

                override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean {
                    val o = message.decode<LightsOverride>()
                    context.publish("home/lights/${o.room}/set", if (o.on) "on" else "off")
                    context.layer.groupSend("audit", LayerMessage("lights.changed"))
                    return true
                }

                override suspend fun onMessage(context: ConsumerContext, message: Message) = Unit
            }
            consumerTest(lights) {
                connect()
                sendTyped(LightsOverride("attic", on = false))
                expectPublish("home/lights/attic/set", "off")
                nextAction() shouldBe GroupSend("audit", LayerMessage("lights.changed"))
            }
        }

        test("a worker that joins a filter another already holds still gets its retained messages, once each") {
            fun watcher(name: String) = consumer(name, onConnect = { subscribe("state/#", qos = 1) }) { msg ->
                if (msg.topic.startsWith(
                        "state/",
                    )
                ) {
                    publish("got/$name", "${msg.topic}=${msg.text} retain=${msg.retain}")
                }
            }
            val late = watcher("late")
            val early = consumer("early", onConnect = {
                subscribe("state/#", qos = 1)
                subscribe("ctl/join")
            }) { msg ->
                if (msg.topic == "ctl/join") {
                    spawnWorker(1, late)
                } else {
                    publish("got/early", "${msg.topic}=${msg.text} retain=${msg.retain}")
                }
            }
            consumerTest(early) {
                broker.publish("state/hall", "on", qos = 1, retain = true)
                connect() shouldBe Subscribe("state/#", qos = 1)
                nextAction() shouldBe Subscribe("ctl/join")
                expectPublish("got/early", "state/hall=on retain=true")
                publish("ctl/join", "")
                nextAction() shouldBe SpawnWorker(1, "late", emptyMap())
                nextAction() shouldBe Subscribe("state/#", qos = 1)
                expectPublish("got/late", "state/hall=on retain=true")
                expectNoAction()
                publish("state/hall", "off")
                published.filter {
                    it.topic.startsWith("got/")
                }.map { it.topic + " " + it.text } shouldContainExactlyInAnyOrder
                    listOf(
                        "got/early state/hall=on retain=true",
                        "got/late state/hall=on retain=true",
                        "got/early state/hall=off retain=false",
                        "got/late state/hall=off retain=false",
                    )
            }
        }
    })
