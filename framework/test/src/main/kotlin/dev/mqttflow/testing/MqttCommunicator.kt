package dev.mqttflow.testing

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/**
 * The mqttasgi-shaped entry point, for tests ported from mqttasgi's `MqttComunicator`:
 *
 * ```kotlin
 * @Test
 * fun echo() = runTest {
 *     val communicator = MqttCommunicator(this, EchoConsumer)
 *     communicator.connect() shouldBe Subscribe("echo/in", qos = 1)
 *     communicator.publish("echo/in", "hello", qos = 1)
 *     communicator.receiveFrom() shouldBe Publish("echo/out", "hello", qos = 1)
 *     communicator.disconnect()
 * }
 * ```
 *
 * Like mqttasgi's, [connect] and [receiveFrom] wait up to a timeout for the consumer's next
 * output; here that wait is in virtual time, so a consumer that publishes after
 * `delay(500.milliseconds)` is received at once in real time. Unlike mqttasgi's, [publish] goes
 * through the [InMemoryBroker]: the message reaches the consumer only if it subscribed to a
 * matching filter (a ported test that connects first and publishes to a subscribed topic, which
 * is nearly all of them, behaves the same).
 *
 * Besides mqttasgi's calls (and asgiref's `receive_nothing`) it has the kit's expectations and
 * time control under the same names as [consumerTest]'s scope ([expectPublish], [expectNoAction],
 * [advanceTimeBy], [send], [restart] …): it is a thin adapter over the same engine, not a second one.
 *
 * Use it inside [kotlinx.coroutines.test.runTest], on the test's own [scope]; call [disconnect]
 * before the test ends (if you forget, the consumer is cancelled when the test ends, without
 * `onDisconnect`). A test with a database (or the unacknowledged-messages check at the end) is a
 * [consumerTest].
 */
public class MqttCommunicator @JvmOverloads constructor(
    private val scope: TestScope,
    consumer: Consumer,
    params: Map<String, Any?> = emptyMap(),
    failurePolicy: FailurePolicy = FailurePolicy.Continue,
    config: MqttFlowConfig = ConsumerTestScope.DEFAULT_CONFIG,
    startTime: Instant = ConsumerTestScope.DEFAULT_START,
) {
    private val session = KitSession(scope.testScheduler, consumer, params, failurePolicy, config, startTime)

    init {
        scope.guard(session)
    }

    /** The in-memory broker the consumer is connected to. */
    public val broker: InMemoryBroker get() = session.broker

    /** Every handler that threw so far. */
    public val failures: List<HandlerFailure> get() = session.failures

    /**
     * Starts the consumer and returns its first action, waiting up to [timeout] of virtual time
     * for it; null if `onConnect` sent nothing by then. Fails if `onConnect` threw.
     */
    public suspend fun connect(timeout: Duration = DEFAULT_TIMEOUT): Action? {
        session.start()
        session.firstAction()?.let { return it }
        withTimeoutOrNull(timeout) { session.awaitAction() }
        return session.firstAction()
    }

    /** Publishes [payload] to [topic] as another client would, and lets the consumer handle it. */
    public fun publish(
        topic: String,
        payload: String,
        qos: Int = 0,
        retain: Boolean = false,
        properties: MessageProperties = MessageProperties.NONE,
    ) {
        session.publish(topic, payload.encodeToByteArray(), qos, retain, properties)
    }

    /** Publishes raw bytes; see the [String] overload. */
    public fun publish(topic: String, payload: ByteArray, qos: Int = 0, retain: Boolean = false) {
        session.publish(topic, payload, qos, retain, MessageProperties.NONE)
    }

    /**
     * The consumer's next action, waiting up to [timeout] of virtual time for it. Fails with the
     * actions so far and any handler failures when none comes.
     */
    public suspend fun receiveFrom(timeout: Duration = DEFAULT_TIMEOUT): Action {
        session.runCurrent()
        if (!session.hasPendingAction()) withTimeoutOrNull(timeout) { session.awaitAction() }
        return session.nextAction()
    }

    /**
     * True when the consumer sends nothing within [timeout] of virtual time (asgiref's
     * `receive_nothing`); an action that comes is left for [receiveFrom].
     */
    public suspend fun receiveNothing(timeout: Duration = NOTHING_TIMEOUT): Boolean {
        session.runCurrent()
        if (session.hasPendingAction()) return false
        return withTimeoutOrNull(timeout) { session.awaitAction() } == null
    }

    /**
     * Takes the next action, which must publish to [topic] (with UTF-8 [payload], when given);
     * see [ConsumerTestScope.expectPublish].
     */
    public fun expectPublish(topic: String, payload: String? = null): Publish = session.expectPublish(topic, payload)

    /** Checks that the consumer has sent nothing more now; see [receiveNothing] to wait. */
    public fun expectNoAction() {
        session.expectNoAction()
    }

    /** Sends a layer [message] to the consumer's channel and runs the handler it reaches. */
    public suspend fun send(message: LayerMessage) {
        session.sendToConsumer(message)
    }

    /** The consumer's own layer channel (after [connect]). */
    public val channelName: String get() = session.channelName

    /** The channel layer the consumer uses. */
    public val layer: ChannelLayer get() = session.layer

    /** Every action the consumer sent so far, in order. */
    public val actions: List<Action> get() = session.actions

    /** What the consumer published, as the broker received it. */
    public val published: List<Publish> get() = session.published

    /** The consumer's subscriptions at the broker: filter to granted QoS. */
    public val subscriptions: Map<String, Int> get() = session.subscriptions

    /** The message the broker retains on [topic], or null. */
    public fun retained(topic: String): Message? = session.retained(topic)

    /** Moves virtual time by [duration] and runs everything due up to and including then. */
    public fun advanceTimeBy(duration: Duration) {
        session.advanceTimeBy(duration)
    }

    /** Restarts the consumer as a process restart would; see [ConsumerTestScope.restart]. */
    public suspend fun restart(downFor: Duration = Duration.ZERO) {
        session.restart(downFor)
    }

    /** Stops the consumer (its `onDisconnect` runs) and closes its connection. */
    public suspend fun disconnect() {
        session.stop()
    }

    private companion object {
        /** mqttasgi's default: one second. */
        val DEFAULT_TIMEOUT = 1.seconds

        /** asgiref's `receive_nothing` default: 0.1 s. */
        val NOTHING_TIMEOUT = 100.milliseconds
    }
}
