package dev.mqttflow.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.dsl.State
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.dsl.state
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Three runtimes (each its own MqttFlow and connection) in one instance group on a real broker:
 * a QoS 1 stream is handled once across the group and spread over all three, and every instance's
 * state cache still fills from the retained message and follows live changes (it subscribes per instance).
 */
class InstanceGroupIT :
    FunSpec({
        val total = 3000
        val instances = 3

        /** What one group run saw: handlings per payload, per instance, and each instance's state. */
        class Seen {
            val perPayload = ConcurrentHashMap<String, AtomicInteger>()
            val perInstance = List(instances) { AtomicInteger() }
            val states = arrayOfNulls<State<String>>(instances)
            val all = CompletableDeferred<Unit>()
            val ready = List(instances) { CompletableDeferred<Unit>() }
        }

        fun groupMember(i: Int, seen: Seen) = mqttConsumer("load") {
            seen.states[i] = state("cfg/mode") { it.text }
            onMessage("load/{part}", qos = 1) { msg ->
                seen.perPayload.getOrPut(msg.text) { AtomicInteger() }.incrementAndGet()
                seen.perInstance[i].incrementAndGet()
                if (seen.perPayload.size == total) seen.all.complete(Unit)
            }
            onConnect { seen.ready[i].complete(Unit) }
        }

        fun burst(port: Int) {
            val pub = ProcessBuilder(
                "mosquitto_pub", "-h", "127.0.0.1", "-p", "$port", "-q", "1", "-t", "load/a", "-l",
            ).redirectErrorStream(true).start()
            pub.outputStream.bufferedWriter().use { w -> repeat(total) { w.write("m$it\n") } }
            check(pub.waitFor() == 0) { "mosquitto_pub failed: " + pub.inputStream.bufferedReader().readText() }
        }

        suspend fun CoroutineScope.runGroup(label: String, port: Int) {
            RawClient(port).use { it.publish("cfg/mode", "eco", qos = 1, retain = true) }
            val seen = Seen()
            val jobs: List<Job> = List(instances) { i ->
                val config = MqttFlowConfig(host = "127.0.0.1", port = port, clientId = "group-$label-$i", group = "g1")
                runFlow(config, groupMember(i, seen))
            }
            withTimeout(30.seconds) { seen.ready.forEach { it.await() } }
            withContext(Dispatchers.IO) { burst(port) }
            withTimeout(60.seconds) { seen.all.await() }
            withTimeout(20.seconds) {
                while (seen.states.any { it?.value == null }) delay(20.milliseconds)
            }
            val retainedState = seen.states.map { it?.value }
            // a live change reaches every instance too (Mosquitto 2.0.11 sends retained messages on
            // shared subscriptions as well; a live message on one goes to one member only)
            RawClient(port).use { it.publish("cfg/mode", "away", qos = 1) }
            withTimeout(20.seconds) {
                while (seen.states.any { it?.value != "away" }) delay(20.milliseconds)
            }
            jobs.forEach { it.cancelAndJoin() }

            val handled = seen.perPayload.values.sumOf { it.get() }
            val duplicates = handled - seen.perPayload.size
            val spread = seen.perInstance.map { it.get() }
            println("instance group on $label: $total QoS 1 messages, spread $spread, duplicates $duplicates")
            (total - seen.perPayload.size) shouldBe 0 // losses
            duplicates shouldBe 0
            spread shouldNotContain 0
            retainedState shouldBe List(instances) { "eco" }
        }

        test("three instances in one group on Mosquitto handle $total QoS 1 messages once each, spread over all") {
            Mosquitto().use { runGroup("mosquitto", it.port) }
        }

        test("three instances in one group on HiveMQ CE handle $total QoS 1 messages once each, spread over all") {
            EmbeddedBroker.start().use { runGroup("hivemq", it.port) }
        }
    })
