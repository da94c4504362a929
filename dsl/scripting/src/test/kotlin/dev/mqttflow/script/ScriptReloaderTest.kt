package dev.mqttflow.script

import dev.mqttflow.ConsumerControl
import dev.mqttflow.consumer.Consumer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Records what a reloader starts and stops. */
private class FakeControl : ConsumerControl {
    val consumers = LinkedHashMap<String, Consumer>()
    val log = mutableListOf<String>()

    override fun running(): List<String> = consumers.keys.toList()

    override suspend fun start(consumer: Consumer): String {
        consumers[consumer.name] = consumer
        log += "start ${consumer.name}"
        return consumer.name
    }

    override suspend fun stop(workerName: String): Boolean {
        val stopped = consumers.remove(workerName) != null
        if (stopped) log += "stop $workerName"
        return stopped
    }
}

class ScriptReloaderTest :
    FunSpec({
        val host = ScriptHost(ScriptCache(TestScripts.newCacheDir().toPath()))

        test("an edit swaps the script's consumers; a broken edit keeps them and reports the error") {
            val lights = TestScripts.write("lights.mqtt.kts", """mqttConsumer("hall") { }""")
            val energy = TestScripts.write("energy.mqtt.kts", """mqttConsumer("meter") { }""")
            val scripts = listOf(host.load(lights), host.load(energy))
            val control = FakeControl()
            val events = Channel<ReloadEvent>(Channel.UNLIMITED)
            val watcher = ScriptWatcher(scripts.map { it.file }, 20.milliseconds)
            val reloader = ScriptReloader(host, onEvent = { events.trySend(it) })
            val job = launch { reloader.run(control, scripts, watcher) }
            try {
                withTimeout(30.seconds) {
                    lights.writeText("mqttConsumer(\"hall\") { }\nmqttConsumer(\"porch\") { }\n")
                    val reloaded = events.receive().shouldBeInstanceOf<ReloadEvent.Reloaded>()
                    reloaded.workers shouldContainExactly listOf("lights:hall", "lights:porch")
                    control.running() shouldContainExactly listOf("energy:meter", "lights:hall", "lights:porch")
                    control.log shouldContainExactly listOf(
                        "start lights:hall",
                        "start energy:meter",
                        "stop lights:hall",
                        "start lights:hall",
                        "start lights:porch",
                    )
                    val before = control.consumers.toMap()

                    lights.writeText("mqttConsumer(\"hall\") {\n    onConnect { subscrib(\"x\") }\n}\n")
                    val failed = events.receive().shouldBeInstanceOf<ReloadEvent.Failed>()
                    failed.errors shouldContain "${lights.path}:2:17: error: Unresolved reference 'subscrib'"
                    failed.toString() shouldContain "the previous version keeps running"
                    control.consumers shouldBe before

                    lights.writeText("mqttConsumer(\"hall\") { }\n")
                    events.receive().shouldBeInstanceOf<ReloadEvent.Reloaded>().workers shouldBe listOf("lights:hall")
                    control.running() shouldContainExactly listOf("energy:meter", "lights:hall")
                }
            } finally {
                job.cancelAndJoin()
            }
        }
    })
