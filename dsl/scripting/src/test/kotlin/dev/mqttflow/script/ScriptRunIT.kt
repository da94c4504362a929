package dev.mqttflow.script

import ch.qos.logback.classic.Level
import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

class ScriptRunIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val host = ScriptHost(ScriptCache(TestScripts.newCacheDir().toPath()))
        val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)
        afterSpec { broker.close() }

        test("a script's consumers run against a broker") {
            val script = host.load(
                TestScripts.write(
                    "hall-light.mqtt.kts",
                    """
                    mqttConsumer("lights") {
                        onConnect {
                            subscribe("it1/home/+/motion", qos = 1)
                            publish("it1/status", "ready", qos = 1)
                        }
                        onMessage("it1/home/{room}/motion") { msg ->
                            publish("it1/lights/${'$'}{msg.vars["room"]}/set", "on", qos = 1)
                        }
                    }
                    """,
                ),
            )
            Peer(broker.port).use { peer ->
                peer.subscribe("it1/status")
                peer.subscribe("it1/lights/#")
                val flow = launch { MqttFlow(config).run(script.consumers) }
                peer.next() shouldBe ("it1/status" to "ready")
                peer.publish("it1/home/hall/motion", "1")
                peer.next() shouldBe ("it1/lights/hall/set" to "on")
                flow.cancelAndJoin()
            }
        }

        test("a handler that throws is logged with the script's file and line") {
            val script = host.load(
                TestScripts.write(
                    "fragile.mqtt.kts",
                    """
                    mqttConsumer("meter") {
                        onConnect { subscribe("it2/meter", qos = 1); publish("it2/status", "ready", qos = 1) }
                        onMessage { msg ->
                            publish("it2/parsed", msg.text.toInt(), qos = 1)
                        }
                    }
                    """,
                ),
            )
            LogCapture("mqttflow.worker").use { log ->
                Peer(broker.port).use { peer ->
                    peer.subscribe("it2/status")
                    val flow = launch { MqttFlow(config).run(script.consumers) }
                    peer.next() shouldBe ("it2/status" to "ready")
                    peer.publish("it2/meter", "lots")
                    val failure = withTimeout(20.seconds) {
                        var event = log.events.receive()
                        while (event.level != Level.ERROR) event = log.events.receive()
                        event
                    }
                    failure.formattedMessage shouldBe
                        "worker 'fragile:meter': onMessage threw on topic 'it2/meter' at fragile.mqtt.kts:4"
                    failure.throwableProxy.className shouldBe "java.lang.NumberFormatException"
                    flow.cancelAndJoin()
                }
            }
        }

        test("--watch: an edited script's old consumers disconnect and the new ones take over") {
            fun version(v: String) = """
                mqttConsumer("echo") {
                    onConnect { subscribe("it3/ping", qos = 1); publish("it3/status", "ready $v", qos = 1) }
                    onMessage { publish("it3/pong", "$v", qos = 1) }
                    onDisconnect { publish("it3/status", "bye $v", qos = 1) }
                }
            """.trimIndent() + "\n"
            val file = TestScripts.write("echo.mqtt.kts", version("v1"))
            val script = host.load(file)
            val watcher = ScriptWatcher(listOf(file), 20.milliseconds)
            val events = Channel<ReloadEvent>(Channel.UNLIMITED)
            Peer(broker.port).use { peer ->
                peer.subscribe("it3/status")
                peer.subscribe("it3/pong")
                val flow = launch {
                    MqttFlow(config).run(emptyList()) {
                        ScriptReloader(host, onEvent = { events.trySend(it) }).run(this, listOf(script), watcher)
                    }
                }
                peer.next() shouldBe ("it3/status" to "ready v1")
                peer.publish("it3/ping", "?")
                peer.next() shouldBe ("it3/pong" to "v1")

                val edited = TimeSource.Monotonic.markNow()
                file.writeText(version("v2"))
                peer.next() shouldBe ("it3/status" to "bye v1")
                peer.next() shouldBe ("it3/status" to "ready v2")
                val reloaded = withTimeout(20.seconds) { events.receive() }.shouldBeInstanceOf<ReloadEvent.Reloaded>()
                println("reload: ${edited.elapsedNow()} from the edit to the new version's ready; $reloaded")
                peer.publish("it3/ping", "?")
                peer.next() shouldBe ("it3/pong" to "v2")

                file.writeText("mqttConsumer(\"echo\") { onMessage { publsh(\"x\", \"y\") } }\n")
                val failed = withTimeout(20.seconds) { events.receive() }.shouldBeInstanceOf<ReloadEvent.Failed>()
                failed.errors shouldContain "${file.path}:1:36: error: Unresolved reference 'publsh'"
                peer.publish("it3/ping", "?")
                peer.next() shouldBe ("it3/pong" to "v2")
                flow.cancelAndJoin()
                peer.next() shouldBe ("it3/status" to "bye v2")
            }
        }
    })
