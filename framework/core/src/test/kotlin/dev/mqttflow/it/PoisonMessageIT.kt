package dev.mqttflow.it

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.MqttVersion
import dev.mqttflow.worker.RetryPolicy
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Issue 11, item 5, on a real Mosquitto: poison messages are retried, dead-lettered, acknowledged; the rest flows. */
class PoisonMessageIT :
    FunSpec({
        val mosquitto = Mosquitto()
        afterSpec { mosquitto.close() }

        for (version in MqttVersion.entries) {
            test("every 10th of 30 messages throws: 3 dead letters, 27 handled once, over MQTT ${version.label}") {
                RawClient(mosquitto.port).use { raw ->
                    raw.subscribe("mqttflow/dead/#", qos = 1)
                    val handled = Collections.synchronizedList(ArrayList<String>())
                    val count = MutableStateFlow(0)
                    val ready = CompletableDeferred<Unit>()
                    val picky = consumer("picky-${version.label}", onConnect = {
                        subscribe("poison/${version.label}/#", qos = 1)
                        ready.complete(Unit)
                    }) { msg ->
                        if (msg.text.startsWith("poison")) error("cannot digest ${msg.text}")
                        handled += msg.text
                        count.value = handled.size
                    }
                    val config = MqttFlowConfig(
                        host = "127.0.0.1",
                        port = mosquitto.port,
                        version = version,
                        onFailure = RetryPolicy(
                            retries = 2,
                            backoff = 50.milliseconds,
                            deadLetter = RetryPolicy.DEFAULT_DEAD_LETTER,
                        ),
                    )
                    val job = runFlow(config, picky)
                    withTimeout(20.seconds) { ready.await() }
                    withContext(Dispatchers.IO) {
                        RawClient(mosquitto.port).use { pub ->
                            repeat(30) {
                                pub.publish(
                                    "poison/${version.label}/x",
                                    if (it % 10 ==
                                        9
                                    ) {
                                        "poison-$it"
                                    } else {
                                        "m$it"
                                    },
                                )
                            }
                        }
                    }
                    withTimeout(30.seconds) { count.first { it >= 27 } }
                    val dead = withContext(Dispatchers.IO) { List(3) { raw.next(20) } }
                    job.cancelAndJoin()
                    handled shouldContainExactlyInAnyOrder (0 until 30).filter { it % 10 != 9 }.map { "m$it" }
                    dead.map { it.first }.toSet() shouldBe setOf("mqttflow/dead/picky-${version.label}")
                    if (version == MqttVersion.MQTT_5) {
                        dead.map { it.second } shouldContainExactlyInAnyOrder
                            listOf("poison-9", "poison-19", "poison-29")
                    } else {
                        dead.forEach { (_, json) ->
                            json shouldContain "\"topic\":\"poison/${version.label}/x\""
                            json shouldContain "\"error\":\"java.lang.IllegalStateException\""
                            json shouldContain "\"attempts\":3"
                            json shouldContain "\"payload\":\"poison-"
                        }
                    }
                }
            }
        }
    })
