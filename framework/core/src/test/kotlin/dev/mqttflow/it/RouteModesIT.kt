package dev.mqttflow.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.RouteMode
import dev.mqttflow.dsl.mqttConsumer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

private const val AFTER = 1000
private const val ROOMS = 25

/**
 * Issue 13: modes per route on the production dispatcher against real brokers (embedded HiveMQ CE
 * and Mosquitto): a room's run that waits does not keep another room's message from being
 * handled, a superseded run's message is acknowledged, and the connection keeps flowing.
 */
class RouteModesIT :
    FunSpec({
        val hivemq = EmbeddedBroker.start()
        val mosquitto = Mosquitto(extraConfig = "max_inflight_messages 10")
        val mosquittoDefault = Mosquitto() // max_inflight_messages 20, Mosquitto's default
        afterSpec {
            hivemq.close()
            mosquitto.close()
            mosquittoDefault.close()
        }

        /** The hall-and-kitchen scenario; [port] is the broker's. */
        suspend fun kitchenWhileHallWaits(scope: kotlinx.coroutines.CoroutineScope, port: Int, name: String) {
            val ready = CompletableDeferred<Unit>()
            val hallWaiting = CompletableDeferred<Unit>()
            val kitchenHandled = CompletableDeferred<Boolean>() // true: the hall run was still waiting
            val hallCancelled = AtomicInteger()
            val release = CompletableDeferred<Unit>()
            val fast = MutableStateFlow(0)
            var hallRunning = false // plain var: runs of one worker never run at the same instant
            val lights = mqttConsumer("lights-$name") {
                onConnect { ready.complete(Unit) }
                onMessage("$name/{room}/motion", qos = 1, mode = RouteMode.Restart(key = { it.vars["room"] })) { msg ->
                    when (msg.vars.getValue("room")) {
                        "hall" -> try {
                            hallRunning = true
                            hallWaiting.complete(Unit)
                            if (msg.text == "1") delay(5.minutes) else release.await()
                            publish("$name/lights/hall/set", "off ${msg.text}", qos = 1)
                        } catch (e: CancellationException) {
                            hallCancelled.incrementAndGet()
                            throw e
                        } finally {
                            hallRunning = false
                        }

                        else -> kitchenHandled.complete(hallRunning)
                    }
                }
                onMessage("$name/fast/{n}", qos = 1) { fast.update { it + 1 } }
            }
            val config = MqttFlowConfig(host = "127.0.0.1", port = port)
            val job = scope.runFlow(config, lights)
            RawClient(port).use { raw ->
                withContext(Dispatchers.IO) { raw.subscribe("$name/lights/#", qos = 1) }
                withTimeout(20.seconds) { ready.await() }
                withContext(Dispatchers.IO) { raw.publish("$name/hall/motion", "1") }
                withTimeout(20.seconds) { hallWaiting.await() }
                withContext(Dispatchers.IO) { raw.publish("$name/kitchen/motion", "1") }
                withTimeout(20.seconds) { kitchenHandled.await() } shouldBe true
                withContext(Dispatchers.IO) { raw.publish("$name/hall/motion", "2") } // supersedes run "1"
                withTimeout(20.seconds) { while (hallCancelled.get() < 1) delay(10) }
                release.complete(Unit)
                withContext(Dispatchers.IO) { raw.next(20) } shouldBe ("$name/lights/hall/set" to "off 2")
                withContext(Dispatchers.IO) { repeat(AFTER) { raw.publish("$name/fast/$it", "x") } }
                withTimeout(60.seconds) { fast.first { it >= AFTER } }
            }
            job.cancelAndJoin()
            hallCancelled.get() shouldBe 1
            fast.value shouldBe AFTER
        }

        test("HiveMQ CE: the kitchen is handled while the hall's Restart run waits; the superseded run is acked") {
            kitchenWhileHallWaits(this, hivemq.port, "hq")
        }

        test("Mosquitto (10 in flight): the same, and 1,000 messages after it still arrive") {
            kitchenWhileHallWaits(this, mosquitto.port, "mq")
        }

        /** 25 rooms' Restart runs that all wait on one latch; returns how many started before it opened. */
        suspend fun waitingRooms(scope: kotlinx.coroutines.CoroutineScope, ackAfterRun: Boolean, name: String): Int {
            val ready = CompletableDeferred<Unit>()
            val started = MutableStateFlow(0)
            val finished = MutableStateFlow(0)
            val release = CompletableDeferred<Unit>()
            val mode = RouteMode.Restart(key = { it.vars["room"] }, ackAfterRun = ackAfterRun)
            val rooms = mqttConsumer(name) {
                onConnect { ready.complete(Unit) }
                onMessage("$name/{room}", qos = 1, mode = mode) {
                    started.update { it + 1 }
                    release.await()
                    finished.update { it + 1 }
                }
            }
            val job = scope.runFlow(MqttFlowConfig(host = "127.0.0.1", port = mosquittoDefault.port), rooms)
            withTimeout(20.seconds) { ready.await() }
            withContext(Dispatchers.IO) {
                RawClient(mosquittoDefault.port).use { raw -> repeat(ROOMS) { raw.publish("$name/r$it", "m") } }
            }
            if (!ackAfterRun) withTimeout(20.seconds) { started.first { it == ROOMS } }
            // Measured, not a timing claim: how many runs start while every one of them waits.
            withTimeoutOrNull(3.seconds) { started.first { it == ROOMS } }
            val whileWaiting = started.value
            println("RouteModesIT: ackAfterRun=$ackAfterRun: $whileWaiting of $ROOMS waiting runs started")
            release.complete(Unit)
            withTimeout(30.seconds) { finished.first { it == ROOMS } }
            job.cancelAndJoin()
            started.value shouldBe ROOMS
            return whileWaiting
        }

        test("Mosquitto (20 in flight): 25 rooms' runs all start while all wait (acknowledged at their start)") {
            waitingRooms(this, ackAfterRun = false, "early") shouldBe ROOMS
        }

        test("Mosquitto (20 in flight), ackAfterRun: waiting runs stall the flow at the window; released, all finish") {
            waitingRooms(this, ackAfterRun = true, "late") shouldBeLessThan ROOMS
        }
    })
