package dev.mqttflow.it

import dev.mqttflow.config.MqttFlowConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Issue 11, item 1: a resumed session's queued messages wait for the consumers, on a real Mosquitto. */
class ResumedSessionIT :
    FunSpec({
        test("messages queued while mqttflow was down all reach the consumer after a restart") {
            Mosquitto().use { mosquitto ->
                val config = MqttFlowConfig(
                    host = "127.0.0.1",
                    port = mosquitto.port,
                    clientId = "resumed-session-it",
                    cleanStart = false,
                    sessionExpiry = 1.hours,
                )
                val received = Collections.synchronizedList(ArrayList<String>())
                val count = MutableStateFlow(0)
                val subscribed = CompletableDeferred<Unit>()
                val first = consumer("keeper", onConnect = {
                    subscribe("resume/#", qos = 1)
                    subscribed.complete(Unit)
                })
                val job = runFlow(config, first)
                withTimeout(20.seconds) { subscribed.await() }
                job.cancelAndJoin()

                val total = 100
                withContext(Dispatchers.IO) {
                    RawClient(mosquitto.port).use { raw -> repeat(total) { raw.publish("resume/x", "m$it", qos = 1) } }
                }

                // the second run subscribes a little later, as a consumer that opens a database first would
                val second = consumer("keeper", onConnect = {
                    delay(500.milliseconds)
                    subscribe("resume/#", qos = 1)
                }) { msg ->
                    received += msg.text
                    count.value = received.size
                }
                val again = runFlow(config, second)
                withTimeout(30.seconds) { count.first { it >= total } }
                again.cancelAndJoin()
                received shouldContainExactlyInAnyOrder (0 until total).map { "m$it" }
            }
        }

        test("a full stop leaves queued messages unacknowledged, and the persistent session delivers them again") {
            Mosquitto().use { mosquitto ->
                val config = MqttFlowConfig(
                    host = "127.0.0.1",
                    port = mosquitto.port,
                    clientId = "full-stop-it",
                    cleanStart = false,
                    sessionExpiry = 1.hours,
                )
                val first = Collections.synchronizedSet(HashSet<String>())
                val firstCount = MutableStateFlow(0)
                val ready = CompletableDeferred<Unit>()
                val slow = consumer("drainer", onConnect = {
                    subscribe("stop/#", qos = 1)
                    ready.complete(Unit)
                }) { msg ->
                    delay(300.milliseconds)
                    first += msg.text
                    firstCount.value = first.size
                }
                val job = runFlow(config, slow)
                withTimeout(20.seconds) { ready.await() }
                val total = 20
                withContext(Dispatchers.IO) {
                    RawClient(mosquitto.port).use { raw -> repeat(total) { raw.publish("stop/x", "m$it", qos = 1) } }
                }
                withTimeout(30.seconds) { firstCount.first { it >= 2 } }
                job.cancelAndJoin()

                val second = Collections.synchronizedSet(HashSet<String>())
                val all = MutableStateFlow(0)
                val fast = consumer("drainer", onConnect = { subscribe("stop/#", qos = 1) }) { msg ->
                    second += msg.text
                    all.value = (first + second).size
                }
                val again = runFlow(config, fast)
                withTimeout(30.seconds) { all.first { it >= total } }
                again.cancelAndJoin()
                (first + second) shouldContainExactlyInAnyOrder (0 until total).map { "m$it" }
                (total - first.size) shouldBe (second - first).size
            }
        }
    })
