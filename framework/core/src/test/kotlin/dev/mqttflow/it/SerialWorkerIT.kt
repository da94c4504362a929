package dev.mqttflow.it

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.BlockingConsumer
import dev.mqttflow.consumer.BlockingContext
import dev.mqttflow.protocol.Message
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import kotlin.time.Duration.Companion.seconds

private const val TIMES = 100_000
private const val MESSAGES = 10
private const val YIELD_EVERY = 100
private const val SPIN_NANOS = 100_000_000L

/**
 * Issue 12: one worker's code never runs at two places at once — on the production dispatcher
 * (Dispatchers.Default, several threads) against a real Mosquitto, not in virtual time.
 */
class SerialWorkerIT :
    FunSpec({
        val mosquitto = Mosquitto()
        afterSpec { mosquitto.close() }
        val config = MqttFlowConfig(host = "127.0.0.1", port = mosquitto.port)

        test("a handler and the timer it launched each count to 100,000 in one plain var without losing a step") {
            var counter = 0
            var scratch = ""
            val finished = MutableStateFlow(0)
            val ready = CompletableDeferred<Unit>()
            val racer = consumer("racer", onConnect = {
                subscribe("race/#", qos = 1)
                ready.complete(Unit)
            }) {
                val timer = launch {
                    repeat(TIMES) {
                        val seen = counter // read, work, write: a wide window for a lost update
                        scratch = it.toString()
                        counter = seen + 1
                        if (it % YIELD_EVERY == 0) yield()
                    }
                }
                repeat(TIMES) {
                    val seen = counter
                    scratch = it.toString()
                    counter = seen + 1
                    if (it % YIELD_EVERY == 0) yield()
                }
                timer.join()
                finished.value++
            }
            val job = runFlow(config, racer)
            withTimeout(20.seconds) { ready.await() }
            withContext(Dispatchers.IO) {
                RawClient(mosquitto.port).use { raw -> repeat(MESSAGES) { raw.publish("race/x", "go", qos = 1) } }
            }
            withTimeout(60.seconds) { finished.first { it == MESSAGES } }
            job.cancelAndJoin()
            counter shouldBe 2 * TIMES * MESSAGES
            scratch shouldBe (TIMES - 1).toString()
        }

        test("a BlockingConsumer and the task it scheduled each count to 100,000 in one plain field") {
            val racer = BlockingRacer()
            val job = runFlow(config, racer)
            withTimeout(20.seconds) { racer.ready.await() }
            withContext(Dispatchers.IO) {
                RawClient(mosquitto.port).use { raw -> repeat(MESSAGES) { raw.publish("jrace/x", "go", qos = 1) } }
            }
            withTimeout(60.seconds) { racer.tasks.first { it == MESSAGES } }
            job.cancelAndJoin()
            racer.overlaps shouldBe 0
            racer.counter shouldBe 2 * TIMES * MESSAGES
        }
    })

/** Counts in a plain field from its handler and from a task it schedules at once. */
private class BlockingRacer : BlockingConsumer("java-racer") {
    var counter = 0

    /** Handlers during which a task they scheduled had already started. */
    var overlaps = 0
    val tasks = MutableStateFlow(0)
    val ready = CompletableDeferred<Unit>()

    override fun onConnect(context: BlockingContext) {
        context.subscribe("jrace/#", 1)
        ready.complete(Unit)
    }

    override fun onMessage(context: BlockingContext, message: Message) {
        taskStarted = false
        context.schedule(java.time.Duration.ZERO) {
            taskStarted = true
            count()
            tasks.value++
        }
        // Give a task that could run beside this handler the chance to start first (bounded: with one
        // at a time it cannot start before this returns), so that the two would count at once.
        val until = System.nanoTime() + SPIN_NANOS
        while (!taskStarted && System.nanoTime() < until) Thread.onSpinWait()
        if (taskStarted) overlaps++
        count()
    }

    @Volatile
    private var taskStarted = false

    /** Some work per step (a string built), so that the handler and the task overlap if they can. */
    var scratch = ""

    private fun count() {
        repeat(TIMES) {
            val seen = counter
            scratch = it.toString()
            counter = seen + 1
            if (it % YIELD_EVERY == 0) Thread.yield()
        }
    }
}
