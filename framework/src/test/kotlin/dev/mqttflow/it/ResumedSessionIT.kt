package dev.mqttflow.it

import dev.mqttflow.config.MqttFlowConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
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
    })
