package dev.mqttflow.bench

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish
import com.hivemq.client.mqtt.mqtt5.reactor.Mqtt5ReactorClient
import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.protocol.Message
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import reactor.core.Disposable
import java.time.Duration
import java.util.UUID
import kotlin.time.Duration.Companion.seconds

/**
 * The receive maximum every JVM contender announces: 65535, MQTT 5's default, so the HiveMQ client
 * leaves the property out of CONNECT and the broker's `max_inflight_messages` ([Broker.WINDOW]) sets
 * the window for C, raw and mqttflow alike. Why not announce 1024: Mosquitto 2.0.11 overshoots an
 * announced receive maximum under a burst (eclipse/mosquitto#2301, fixed in 2.0.13), and the HiveMQ
 * client then rightly disconnects ("Received more QoS 1 and/or 2 PUBLISH messages than allowed by
 * receive maximum").
 */
const val RECEIVE_MAXIMUM = 65_535

/** The topics of the round trip figure. */
const val REQUEST_TOPIC = "rtt/req"
const val RESPONSE_TOPIC = "rtt/resp"

private val CONNECT_TIMEOUT: Duration = Duration.ofSeconds(30)

/** A JVM contender, run inside a node process: counts a burst, or echoes requests. */
interface Contender {
    /** Connects and subscribes to [topic]; returns once the broker granted it. */
    fun count(topic: String, qos: Int, counter: Counter)

    /** Connects and answers every message on [REQUEST_TOPIC] on [RESPONSE_TOPIC], payload unchanged. */
    fun echo(qos: Int)

    /** Disconnects, ready for the next round. */
    fun close()
}

/**
 * (b) The raw HiveMQ reactor client: the floor of mqttflow's overhead. Like the framework it registers
 * the global publishes stream with manual acknowledgement before connecting, and acknowledges each
 * message after handling it (counting it, or handing its reply to the publish stream).
 */
class RawContender(private val port: Int) : Contender {
    private var client: Mqtt5ReactorClient? = null
    private var flow: Disposable? = null

    private fun newClient(): Mqtt5ReactorClient = Mqtt5ReactorClient.from(
        MqttClient.builder().useMqttVersion5().identifier("raw-" + UUID.randomUUID().toString().take(8))
            .serverHost("127.0.0.1").serverPort(port).build(),
    )

    private fun connect(c: Mqtt5ReactorClient) {
        c.connectWith().cleanStart(true).restrictions().receiveMaximum(RECEIVE_MAXIMUM).applyRestrictions()
            .applyConnect().block(CONNECT_TIMEOUT)
    }

    private fun subscribe(c: Mqtt5ReactorClient, filter: String, qos: Int) {
        c.subscribeWith().topicFilter(filter).qos(qosOf(qos)).applySubscribe().block(CONNECT_TIMEOUT)
    }

    override fun count(topic: String, qos: Int, counter: Counter) {
        val c = newClient().also { client = it }
        flow = c.publishes(MqttGlobalPublishFilter.ALL, true).subscribe { p ->
            counter.hit()
            p.acknowledge()
        }
        connect(c)
        subscribe(c, topic, qos)
    }

    override fun echo(qos: Int) {
        val c = newClient().also { client = it }
        val replies = c.publishes(MqttGlobalPublishFilter.ALL, true).map { p ->
            val reply = Mqtt5Publish.builder().topic(RESPONSE_TOPIC).payload(p.payloadAsBytes).qos(p.qos).build()
            p.acknowledge()
            reply
        }
        // A publish stream only starts on a connected client; nothing arrives before the SUBSCRIBE anyway.
        connect(c)
        flow = c.publish(replies).subscribe()
        subscribe(c, REQUEST_TOPIC, qos)
    }

    override fun close() {
        client?.disconnect()?.block(CONNECT_TIMEOUT)
        flow?.dispose()
        client = null
        flow = null
    }

    private fun qosOf(qos: Int): MqttQos = requireNotNull(MqttQos.fromCode(qos)) { "bad QoS $qos" }
}

/**
 * (c) An mqttflow consumer, written against the framework's `Consumer` interface: it subscribes in
 * `onConnect` and counts (or replies) in `onMessage`. Defaults everywhere except the receive
 * maximum, [RECEIVE_MAXIMUM] for every contender.
 */
class FlowContender(private val port: Int) : Contender {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    private var job: Job? = null

    private val config: MqttFlowConfig
        get() = MqttFlowConfig(
            host = "127.0.0.1",
            port = port,
            receiveMaximum = RECEIVE_MAXIMUM,
            inboxCapacity = MqttFlowConfig.DEFAULT_INBOX_CAPACITY,
        )

    private fun run(consumer: (CompletableDeferred<Unit>) -> Consumer) {
        val ready = CompletableDeferred<Unit>()
        val running = scope.launch { MqttFlow(config).run(consumer(ready)) }
        running.invokeOnCompletion { cause -> ready.completeExceptionally(cause ?: IllegalStateException("ended")) }
        job = running
        runBlocking { withTimeout(CONNECT_TIMEOUT.seconds.seconds) { ready.await() } }
    }

    override fun count(topic: String, qos: Int, counter: Counter) = run { ready ->
        object : Consumer {
            override val name = "counter"

            override suspend fun onConnect(context: ConsumerContext) {
                context.subscribe(topic, qos)
                ready.complete(Unit)
            }

            override suspend fun onMessage(context: ConsumerContext, message: Message) {
                counter.hit()
            }
        }
    }

    override fun echo(qos: Int) = run { ready ->
        object : Consumer {
            override val name = "echo"

            override suspend fun onConnect(context: ConsumerContext) {
                context.subscribe(REQUEST_TOPIC, qos)
                ready.complete(Unit)
            }

            override suspend fun onMessage(context: ConsumerContext, message: Message) {
                context.publish(RESPONSE_TOPIC, message.payload, qos)
            }
        }
    }

    override fun close() {
        val running = job ?: return
        runBlocking { running.cancelAndJoin() }
        job = null
    }
}
