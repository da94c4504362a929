package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

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
 * Use it inside [kotlinx.coroutines.test.runTest], on the test's own [scope]; call [disconnect]
 * before the test ends (if you forget, the consumer is cancelled when the test ends, without
 * `onDisconnect`). For the fuller API (expectations, time control, failure reports) see
 * [consumerTest].
 */
public class MqttCommunicator @JvmOverloads constructor(
    private val scope: TestScope,
    consumer: Consumer,
    params: Map<String, Any?> = emptyMap(),
) {
    private val session = KitSession(
        scope.testScheduler,
        consumer,
        params,
        FailurePolicy.Continue,
        ConsumerTestScope.DEFAULT_CONFIG,
        ConsumerTestScope.DEFAULT_START,
    )

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

    /** Stops the consumer (its `onDisconnect` runs) and closes its connection. */
    public suspend fun disconnect() {
        session.stop()
    }

    private companion object {
        /** mqttasgi's default: one second. */
        val DEFAULT_TIMEOUT = 1.seconds
    }
}
