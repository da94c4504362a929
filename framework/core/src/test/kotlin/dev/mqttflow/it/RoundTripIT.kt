package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.publish
import dev.mqttflow.errors.ConnectionException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

class RoundTripIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        afterSpec { broker.close() }
        val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)

        suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

        test("a consumer receives, replies, and the other side sees the reply") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("rt/out/#")
                val ready = CompletableDeferred<Unit>()
                val echo = consumer("echo", onConnect = {
                    subscribe("rt/in/+", qos = 1)
                    ready.complete(Unit)
                }) { msg -> publish("rt/out/" + msg.topic.substringAfterLast('/'), "echo:" + msg.text, qos = 1) }
                val job = runFlow(config, echo)
                withTimeout(20.seconds) { ready.await() }
                io { raw.publish("rt/in/a", "hello") }
                io { raw.next() } shouldBe ("rt/out/a" to "echo:hello")
                job.cancelAndJoin()
            }
        }

        test("a QoS 1 message whose handler throws is still acknowledged and the next one is handled") {
            // receiveMaximum = 1: the broker sends the second message only once the first was acked.
            RawClient(broker.port).use { raw ->
                raw.subscribe("ack/out")
                val ready = CompletableDeferred<Unit>()
                val failing = consumer("failing", onConnect = {
                    subscribe("ack/in", qos = 1)
                    ready.complete(Unit)
                }) { msg ->
                    if (msg.text == "boom") error("handler failure on purpose")
                    publish("ack/out", "handled " + msg.text, qos = 1)
                }
                val job = runFlow(config.copy(receiveMaximum = 1), failing)
                withTimeout(20.seconds) { ready.await() }
                io { raw.publish("ack/in", "boom") }
                io { raw.publish("ack/in", "next") }
                io { raw.next() } shouldBe ("ack/out" to "handled next")
                job.cancelAndJoin()
            }
        }

        test("a message matching two filters of one worker reaches it once") {
            RawClient(broker.port).use { raw ->
                val count = AtomicInteger()
                val done = CompletableDeferred<Unit>()
                val ready = CompletableDeferred<Unit>()
                val overlap = consumer("overlap", onConnect = {
                    subscribe("ov/#", qos = 1)
                    subscribe("ov/+/x", qos = 1)
                    subscribe("ov/a/x", qos = 0)
                    ready.complete(Unit)
                }) { msg -> if (msg.topic == "ov/end") done.complete(Unit) else count.incrementAndGet() }
                val job = runFlow(config, overlap)
                withTimeout(20.seconds) { ready.await() }
                io { raw.publish("ov/a/x", "1") }
                io { raw.publish("ov/end", "") }
                withTimeout(20.seconds) { done.await() }
                count.get() shouldBe 1
                job.cancelAndJoin()
            }
        }

        test("the broker sees one SUBSCRIBE per filter and an UNSUBSCRIBE only when the last worker drops it") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("rc/seen/#")
                val readyA = CompletableDeferred<Unit>()
                val readyB = CompletableDeferred<Unit>()
                fun holder(name: String, ready: CompletableDeferred<Unit>) = consumer(name, onConnect = {
                    subscribe("rc/data/#", qos = 1)
                    subscribe("rc/ctl/$name")
                    ready.complete(Unit)
                }) { msg ->
                    if (msg.topic == "rc/ctl/$name") {
                        unsubscribe("rc/data/#")
                        publish("rc/seen/$name", "unsubscribed", qos = 1)
                    } else {
                        publish("rc/seen/$name", msg.text, qos = 1)
                    }
                }
                var recording: RecordingConnection? = null
                val job = runFlow(config, holder("a", readyA), holder("b", readyB)) {
                    RecordingConnection(it).also { r -> recording = r }
                }
                withTimeout(20.seconds) {
                    readyA.await()
                    readyB.await()
                }
                val calls = recording!!.calls
                calls.filter { it.startsWith("SUBSCRIBE rc/data") } shouldContainExactly listOf("SUBSCRIBE rc/data/# 1")

                io { raw.publish("rc/ctl/a", "") }
                io { raw.next() } shouldBe ("rc/seen/a" to "unsubscribed")
                calls.filter { it.startsWith("UNSUBSCRIBE rc/data") } shouldBe emptyList()
                io { raw.publish("rc/data/1", "x") }
                io { raw.next() } shouldBe ("rc/seen/b" to "x")

                io { raw.publish("rc/ctl/b", "") }
                io { raw.next() } shouldBe ("rc/seen/b" to "unsubscribed")
                calls.filter { it.startsWith("UNSUBSCRIBE rc/data") } shouldContainExactly
                    listOf("UNSUBSCRIBE rc/data/#")
                io { raw.publish("rc/data/2", "y") }
                io { raw.nothingWithin(500) } shouldBe true
                job.cancelAndJoin()
            }
        }

        test("stopping runs every worker's onDisconnect, which can still publish") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("bye/#")
                val ready = CompletableDeferred<Unit>()
                val polite = consumer(
                    "polite",
                    onConnect = { ready.complete(Unit) },
                    onDisconnect = { publish("bye/polite", "leaving", qos = 1) },
                )
                val job = runFlow(config, polite)
                withTimeout(20.seconds) { ready.await() }
                job.cancelAndJoin()
                io { raw.next() } shouldBe ("bye/polite" to "leaving")
            }
        }

        test("the blocking start() runs consumers until close(), which runs onDisconnect") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("blocking/#")
                val polite = consumer(
                    "blocking",
                    onConnect = { publish("blocking/up", "yes", qos = 1) },
                    onDisconnect = { publish("blocking/down", "bye", qos = 1) },
                )
                val flow = MqttFlow(config).start(listOf(polite))
                io { raw.next() } shouldBe ("blocking/up" to "yes")
                flow.isRunning shouldBe true
                io { flow.close() }
                flow.isRunning shouldBe false
                io { raw.next() } shouldBe ("blocking/down" to "bye")
            }
        }

        test("start() against a port nobody listens on throws the connection error after the retries") {
            val dead = MqttFlowConfig(host = "127.0.0.1", port = EmbeddedBroker.freePort(), retries = 1)
            val error = shouldThrow<ConnectionException> { io { MqttFlow(dead).start(listOf(consumer("idle"))) } }
            error.message shouldContain "cannot connect to the broker at 127.0.0.1:${dead.port} after 1 attempt(s)"
        }

        test("a worker joining a filter another holds gets the broker's retained message; the other not twice") {
            RawClient(broker.port).use { raw ->
                raw.subscribe("ret/got/#")
                raw.publish("ret/state/hall", "on", retain = true)
                val firstReady = CompletableDeferred<Unit>()
                fun watcher(name: String, ready: CompletableDeferred<Unit>?) = consumer(name, onConnect = {
                    subscribe("ret/state/#", qos = 1)
                    ready?.complete(Unit)
                }) { msg -> publish("ret/got/$name", "${msg.text} retain=${msg.retain}", qos = 1) }
                val late = watcher("late", null)
                val early = consumer("early", onConnect = {
                    subscribe("ret/state/#", qos = 1)
                    subscribe("ret/join")
                    firstReady.complete(Unit)
                }) { msg ->
                    if (msg.topic == "ret/join") {
                        spawnWorker(1, late)
                    } else {
                        publish("ret/got/early", "${msg.text} retain=${msg.retain}", qos = 1)
                    }
                }
                val job = runFlow(config, early)
                withTimeout(20.seconds) { firstReady.await() }
                io { raw.next() } shouldBe ("ret/got/early" to "on retain=true")
                io { raw.publish("ret/join", "") }
                io { raw.next() } shouldBe ("ret/got/late" to "on retain=true")
                io { raw.nothingWithin(700) } shouldBe true
                job.cancelAndJoin()
                io { raw.publish("ret/state/hall", "", retain = true) }
            }
        }
    })
