package dev.mqttflow.internal

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.errors.WorkerException
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.KillWorker
import dev.mqttflow.protocol.Message
import dev.mqttflow.testing.InMemoryBroker
import dev.mqttflow.worker.FailureOutcome
import dev.mqttflow.worker.FailurePolicy
import dev.mqttflow.worker.WorkerFailure
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runTest
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Clock
import kotlin.time.Duration.Companion.seconds

/** A consumer from lambdas, for runtime tests. */
private fun consumer(
    name: String,
    onConnect: suspend ConsumerContext.() -> Unit = {},
    onDisconnect: suspend ConsumerContext.() -> Unit = {},
    onLayer: suspend ConsumerContext.(LayerMessage) -> Boolean = { false },
    onFailure: suspend ConsumerContext.(WorkerFailure) -> Unit = {},
    onMessage: suspend ConsumerContext.(Message) -> Unit = {},
): Consumer = object : Consumer {
    override val name = name

    override suspend fun onConnect(context: ConsumerContext) = context.onConnect()

    override suspend fun onMessage(context: ConsumerContext, message: Message) = context.onMessage(message)

    override suspend fun onDisconnect(context: ConsumerContext) = context.onDisconnect()

    override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage) = context.onLayer(message)

    override suspend fun onWorkerFailure(context: ConsumerContext, failure: WorkerFailure) = context.onFailure(failure)
}

/** The client id of the runtime under test at the [InMemoryBroker]. */
private const val APP = "app"

/** What [this] broker received from the runtime on topics starting with [prefix], as `topic=text`. */
private fun InMemoryBroker.texts(prefix: String = ""): List<String> =
    publishes.filter { it.from == APP && it.publish.topic.startsWith(prefix) }
        .map { "${it.publish.topic}=${it.publish.text}" }

/** Publishes [text] at QoS 1 as another client, as the runtime's tests inject messages. */
private fun InMemoryBroker.inject(topic: String, text: String) = publish(topic, text, qos = 1)

/** The filters the runtime holds at [this] broker. */
private val InMemoryBroker.filters: Set<String> get() = subscriptions(APP).keys

/**
 * Runs [consumers] on the real runtime (several top-level consumers, unlike `consumerTest`),
 * connected to the kit's [InMemoryBroker], on the test's scheduler.
 */
private suspend fun TestScope.withRuntime(
    broker: InMemoryBroker,
    vararg consumers: Consumer,
    layer: InMemoryChannelLayer = InMemoryChannelLayer(),
    block: suspend (KitRuntime) -> Unit,
) {
    val quiet = object : KitObserver {
        override fun actionSent(workerName: String, action: Action) = Unit

        override fun handlerFailed(workerName: String, what: String, topic: String?, error: Throwable) = Unit
    }
    val runtime = KitRuntime(
        broker.connection(APP),
        MqttFlowConfig(),
        StandardTestDispatcher(testScheduler),
        Clock.System,
        layer,
        FailurePolicy.Continue,
        quiet,
        EmptyCoroutineContext,
        emptyList(),
    )
    runtime.start(consumers.toList(), emptyMap())
    testScheduler.runCurrent()
    try {
        block(runtime)
    } finally {
        runtime.stop()
    }
}

class WorkersTest :
    FunSpec({
        val room = consumer("room", onConnect = {
            subscribe("home/${params["room"]}/#", qos = 1)
            subscribe("home/all")
            publish("spawned/$appId", "$instanceType ${params["room"]}")
        }, onDisconnect = { publish("bye/$appId", "${params["room"]}") }) { msg ->
            publish("handled/$appId", msg.topic)
        }

        test("a master spawns workers with params; each runs as a worker with its app id") {
            runTest {
                val broker = InMemoryBroker()
                val master = consumer("master", onConnect = {
                    spawnWorker(1, room, mapOf("room" to "hall"))
                    spawnWorker(2, room, mapOf("room" to "kitchen"))
                })
                withRuntime(broker, master) {
                    testScheduler.runCurrent()
                    broker.texts("spawned") shouldContainExactly
                        listOf("spawned/1=worker hall", "spawned/2=worker kitchen")
                    broker.inject("home/kitchen/motion", "1")
                    testScheduler.runCurrent()
                    broker.texts("handled") shouldContainExactly listOf("handled/2=home/kitchen/motion")
                }
            }
        }

        test("killing a worker runs its onDisconnect and releases only the filters no one else holds") {
            runTest {
                val broker = InMemoryBroker()
                val master = consumer("master", onConnect = {
                    spawnWorker(1, room, mapOf("room" to "hall"))
                    spawnWorker(2, room, mapOf("room" to "kitchen"))
                    subscribe("ctl/kill")
                }) { send(KillWorker(2)) }
                withRuntime(broker, master) {
                    testScheduler.runCurrent()
                    broker.inject("ctl/kill", "")
                    testScheduler.runCurrent()
                    broker.texts("bye") shouldContainExactly listOf("bye/2=kitchen")
                    broker.filters shouldNotContain "home/kitchen/#"
                    broker.filters shouldContain "home/all"
                    broker.inject("home/all", "x")
                    testScheduler.runCurrent()
                    broker.texts("handled") shouldContainExactly listOf("handled/1=home/all")
                }
            }
        }

        test("spawning from a worker, a duplicate app id and killing an unknown one fail in the caller only") {
            runTest {
                val broker = InMemoryBroker()
                val errors = mutableListOf<String>()
                suspend fun attempt(block: suspend () -> Unit) = try {
                    block()
                } catch (e: WorkerException) {
                    errors += e.message!!
                }
                val rogue = consumer("rogue", onConnect = { attempt { spawnWorker(9, room, emptyMap()) } })
                val master = consumer("master", onConnect = {
                    spawnWorker(1, room, mapOf("room" to "hall"))
                    attempt { spawnWorker(1, room, mapOf("room" to "again")) }
                    attempt { killWorker(7) }
                    attempt { spawnWorker(0, room, emptyMap()) }
                    spawnWorker(3, rogue, emptyMap())
                })
                withRuntime(broker, master) {
                    testScheduler.runCurrent()
                    errors shouldBe listOf(
                        "app id 1 is already running worker 'room@1'; kill it first",
                        "no worker runs as app id 7",
                        "app id 0 is not allowed: workers take app ids from 1 (0 is the master)",
                        "worker 'rogue@3' (app id 3) cannot spawn app id 9: only a master can",
                    )
                    broker.inject("home/hall/x", "still fine")
                    testScheduler.runCurrent()
                    broker.texts("handled") shouldContainExactly listOf("handled/1=home/hall/x")
                }
            }
        }

        test("a worker that throws does not disturb its siblings, and goes on by default") {
            runTest {
                val broker = InMemoryBroker()
                val fragile = consumer("fragile", onConnect = { subscribe("t/#") }) { msg ->
                    if (msg.text == "boom") error("on purpose")
                    publish("ok/fragile", msg.text)
                }
                val steady =
                    consumer("steady", onConnect = { subscribe("t/#") }) { msg -> publish("ok/steady", msg.text) }
                withRuntime(broker, fragile, steady) {
                    broker.inject("t/1", "boom")
                    broker.inject("t/2", "fine")
                    testScheduler.runCurrent()
                    broker.texts("ok/fragile") shouldContainExactly listOf("ok/fragile=fine")
                    broker.texts("ok/steady") shouldContainExactly listOf("ok/steady=boom", "ok/steady=fine")
                    broker.unacknowledged(APP).shouldBeEmpty()
                }
            }
        }

        test("the restart policy restarts with doubling backoff, then stops; the master hears each failure") {
            runTest {
                val broker = InMemoryBroker()
                val failures = mutableListOf<FailureOutcome>()
                var starts = 0
                val flaky = consumer("flaky", onConnect = {
                    starts++
                    subscribe("f")
                }) { error("always fails") }
                val master = consumer("master", onConnect = {
                    spawnWorker(1, flaky, emptyMap(), FailurePolicy.Restart(maxRestarts = 2, backoff = 10.seconds))
                }, onFailure = { failures += it.outcome })
                withRuntime(broker, master) {
                    testScheduler.runCurrent()
                    broker.inject("f", "1")
                    testScheduler.runCurrent()
                    starts shouldBe 1
                    testScheduler.advanceTimeBy(10.seconds)
                    testScheduler.runCurrent()
                    starts shouldBe 2
                    broker.inject("f", "2")
                    testScheduler.runCurrent()
                    testScheduler.advanceTimeBy(19.seconds)
                    testScheduler.runCurrent()
                    starts shouldBe 2
                    testScheduler.advanceTimeBy(1.seconds)
                    testScheduler.runCurrent()
                    starts shouldBe 3
                    broker.inject("f", "3")
                    testScheduler.runCurrent()
                    testScheduler.advanceTimeBy(1000.seconds)
                    testScheduler.runCurrent()
                    starts shouldBe 3
                    failures shouldContainExactly
                        listOf(FailureOutcome.RESTARTING, FailureOutcome.RESTARTING, FailureOutcome.STOPPED)
                    broker.filters shouldNotContain "f"
                }
            }
        }

        test("layer messages reach the worker's handler in its own loop; unknown types are skipped") {
            runTest {
                val broker = InMemoryBroker()
                val layer = InMemoryChannelLayer()
                val listener =
                    consumer("listener", onConnect = { layer.groupAdd("lights", channelName) }, onLayer = { m ->
                        if (m.type == "lights.override") {
                            publish("seen", m.type)
                            true
                        } else {
                            false
                        }
                    })
                withRuntime(broker, listener, layer = layer) {
                    testScheduler.runCurrent()
                    layer.groupSend("lights", LayerMessage("unknown.kind"))
                    layer.groupSend("lights", LayerMessage("lights.override"))
                    testScheduler.runCurrent()
                    broker.texts("seen") shouldContainExactly listOf("seen=lights.override")
                }
            }
        }

        test("a master runs hundreds of workers, one per room, each reached by its own topic") {
            runTest {
                val broker = InMemoryBroker()
                val rooms = (1..500).map { "room$it" }
                val master = consumer("master", onConnect = {
                    rooms.forEachIndexed { i, r -> spawnWorker(i + 1, room, mapOf("room" to r)) }
                })
                withRuntime(broker, master) {
                    testScheduler.runCurrent()
                    broker.texts("spawned").size shouldBe 500
                    broker.inject("home/room377/temp", "21")
                    testScheduler.runCurrent()
                    broker.texts("handled") shouldContainExactly listOf("handled/377=home/room377/temp")
                }
            }
        }
    })
