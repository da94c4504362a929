package dev.mqttflow.samples.scripts

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.samples.RawClient
import dev.mqttflow.script.LoadedScript
import dev.mqttflow.script.ScriptCache
import dev.mqttflow.script.ScriptHost
import dev.mqttflow.script.loadTestScript
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.io.File
import java.nio.file.Files
import kotlin.time.Duration.Companion.seconds

/** One compiled-script cache for the sample tests of this JVM: each script compiles once. */
private val sampleCache: ScriptCache by lazy {
    val dir = Files.createTempDirectory("mqttflow-sample-scripts-")
    Runtime.getRuntime().addShutdownHook(Thread { dir.toFile().deleteRecursively() })
    ScriptCache(dir)
}

/**
 * The sample script [name] in `samples/scripts/`, for the test kit: compiled once per JVM (real
 * time; call it outside `consumerTest`), its body run afresh on each call with [env] as its environment.
 */
fun sampleScript(name: String, env: Map<String, String> = emptyMap()): LoadedScript =
    loadTestScript("scripts/$name", env, sampleCache)

/** The sample script [name] in `samples/scripts/`, compiled with [env] as its environment. */
fun loadSampleScript(name: String, env: Map<String, String> = emptyMap()): LoadedScript {
    val cache = Files.createTempDirectory("mqttflow-sample-scripts-")
    try {
        return ScriptHost(ScriptCache(cache), environment = env).load(File("scripts", name))
    } finally {
        cache.toFile().deleteRecursively()
    }
}

/** The other side of the broker: the samples' [RawClient] (publishes readings, receives commands). */
typealias Peer = RawClient

/** [consumer], telling [connected] once its `onConnect` (where it subscribes) returned. */
private class Announcing(private val consumer: Consumer, val connected: CompletableDeferred<Unit>) :
    Consumer by consumer {
    override suspend fun onConnect(context: ConsumerContext) {
        consumer.onConnect(context)
        connected.complete(Unit)
    }
}

/**
 * Runs [script] against [broker] beside a [Peer] subscribed to [watch]; [block] starts once every
 * consumer of the script subscribed.
 */
suspend fun withScript(broker: EmbeddedBroker, script: LoadedScript, watch: String, block: suspend (Peer) -> Unit) {
    Peer(broker.port).use { peer ->
        peer.subscribe(watch)
        val consumers = script.consumers.map { Announcing(it, CompletableDeferred()) }
        coroutineScope {
            val flow = launch { MqttFlow(MqttFlowConfig(host = "127.0.0.1", port = broker.port)).run(consumers) }
            try {
                withTimeout(30.seconds) { consumers.forEach { it.connected.await() } }
                block(peer)
            } finally {
                flow.cancelAndJoin()
            }
        }
    }
}
