package dev.mqttflow.samples.scripts

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
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
import java.util.UUID
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
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

/** The other side of the broker: publishes readings, receives commands and alerts. */
class Peer(port: Int) : AutoCloseable {
    private val client = MqttClient.builder().useMqttVersion5()
        .identifier("script-peer-" + UUID.randomUUID().toString().take(8))
        .serverHost("127.0.0.1").serverPort(port).buildBlocking()
    private val publishes = client.publishes(MqttGlobalPublishFilter.ALL)
    private val received = LinkedBlockingQueue<Pair<String, String>>()

    init {
        client.connect()
        Thread({
            try {
                while (true) {
                    val p = publishes.receive()
                    received.add(p.topic.toString() to p.payloadAsBytes.decodeToString())
                }
            } catch (_: Exception) {
                // closed
            }
        }, "script-peer-reader").apply { isDaemon = true }.start()
    }

    fun subscribe(filter: String) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
    }

    suspend fun publish(topic: String, payload: String) = withContext(Dispatchers.IO) {
        client.publishWith().topic(topic).payload(payload.encodeToByteArray()).qos(MqttQos.AT_LEAST_ONCE).send()
    }

    /** The next message received, waiting up to twenty seconds. */
    suspend fun next(): Pair<String, String> = withContext(Dispatchers.IO) {
        received.poll(20, TimeUnit.SECONDS) ?: error("nothing arrived within 20 s")
    }

    override fun close() {
        runCatching { publishes.close() }
        runCatching { client.disconnect() }
    }
}

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
