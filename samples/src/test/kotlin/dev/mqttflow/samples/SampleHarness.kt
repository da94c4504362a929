package dev.mqttflow.samples

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.database.DatabasePlugin
import dev.mqttflow.database.DeclaresTables
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.declaredTables
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import org.jetbrains.exposed.v1.core.Table
import java.nio.file.Files
import java.nio.file.Path
import java.util.UUID
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.time.Clock
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/** The "other side" of a sample: a plain MQTT client that publishes readings and watches commands. */
class RawClient(port: Int) : AutoCloseable {
    private val client = MqttClient.builder().useMqttVersion5()
        .identifier("sample-test-" + UUID.randomUUID().toString().take(8))
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
        }, "sample-raw-reader").apply { isDaemon = true }.start()
    }

    fun subscribe(filter: String) {
        client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send()
    }

    suspend fun publish(topic: String, payload: String) = withContext(Dispatchers.IO) {
        client.publishWith().topic(topic).payload(payload.encodeToByteArray()).qos(MqttQos.AT_LEAST_ONCE).send()
    }

    /** The next message the client received, waiting up to twenty seconds (a loaded machine is slow). */
    suspend fun next(): Pair<String, String> = withContext(Dispatchers.IO) {
        received.poll(20, TimeUnit.SECONDS) ?: error("nothing arrived within 20 s")
    }

    override fun close() {
        runCatching { publishes.close() }
        runCatching { client.disconnect() }
    }
}

/** A clock the test sets by hand. */
class MutableClock(var now: Instant) : Clock {
    override fun now(): Instant = now
}

/** A fresh SQLite file database in [dir]. */
fun sqliteIn(dir: Path): MqttFlowDatabase =
    MqttFlowDatabase.connect("jdbc:sqlite:${Files.createTempFile(dir, "sample", ".db")}")

/**
 * Runs [consumer] with MqttFlow against [broker], [db] and [layer], gives [block] a client once the
 * consumer's onConnect (its subscriptions) is done, then stops the flow.
 */
suspend fun runSampleFlow(
    broker: EmbeddedBroker,
    db: MqttFlowDatabase,
    consumer: Consumer,
    clock: Clock = Clock.System,
    layer: ChannelLayer = InMemoryChannelLayer(clock = clock),
    block: suspend (RawClient) -> Unit,
) = coroutineScope {
    val ready = CompletableDeferred<Unit>()
    val signalled = SignalsReady(consumer, ready)
    RawClient(broker.port).use { raw ->
        val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)
        val job =
            launch {
                MqttFlow(config, clock = clock, layer = layer, plugins = listOf(DatabasePlugin(db))).run(signalled)
            }
        withTimeout(20.seconds) { ready.await() }
        try {
            block(raw)
        } finally {
            job.cancelAndJoin()
        }
    }
}

/** Waits (polling, up to ten seconds) until [condition] holds. */
suspend fun awaitUntil(what: String, condition: suspend () -> Boolean) {
    withTimeoutOrNull(10.seconds) {
        while (!condition()) delay(50.milliseconds)
    } ?: error("not within 10 s: $what")
}

/** [inner], completing [ready] after its onConnect: its subscriptions are then in place. */
private class SignalsReady(private val inner: Consumer, private val ready: CompletableDeferred<Unit>) :
    Consumer by inner,
    DeclaresTables {
    override val tables: List<Table> = declaredTables(listOf(inner))

    override suspend fun onConnect(context: ConsumerContext) {
        inner.onConnect(context)
        ready.complete(Unit)
    }
}
