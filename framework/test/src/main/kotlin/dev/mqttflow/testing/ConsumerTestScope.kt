package dev.mqttflow.testing

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.test.TestScope
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Instant

/**
 * The receiver of [consumerTest]'s block: drive the consumer, look at what it did, move time.
 *
 * - Drive: [connect], [publish] (as another client would: it reaches the consumer only through a
 *   matching subscription), [disconnect].
 * - Look: [nextAction], [expectPublish], [expectNoAction] take the consumer's actions one by one,
 *   in the order its workers sent them; [actions] and [actionLog] hold them all; [published],
 *   [subscriptions] and [retained] show the broker's side; [failures] the handlers that threw.
 * - Time: [advanceTimeBy], [runCurrent], [currentTime]. Nothing here moves time by itself.
 *
 * Every call first runs what is due at the current virtual time, so right after [publish] the
 * handler has run as far as it can without time passing. A failed expectation throws an
 * [AssertionError] that lists the actions so far and every handler failure with its stack trace.
 *
 * It is a [CoroutineScope] of the test (`launch` runs on the test's scheduler); [testScope] is
 * the underlying [TestScope] for anything else (its `backgroundScope`, say).
 */
public class ConsumerTestScope internal constructor(
    /** The `runTest` scope this test runs in. */
    public val testScope: TestScope,
    private val session: KitSession,
) : CoroutineScope by testScope {
    /** The in-memory broker the consumer is connected to. */
    public val broker: InMemoryBroker get() = session.broker

    /** The clock the consumer's `context.clock` is: [DEFAULT_START] (or the given start) plus [currentTime]. */
    public val clock: Clock get() = session.clock

    /**
     * Starts the consumer: connects its runtime to the broker, runs `onConnect` as far as it goes
     * without time passing, and returns its first action — null if it sent none. Like mqttasgi's
     * `communicator.connect()`. Throws an [AssertionError] if `onConnect` threw.
     * Messages retained before this call are delivered when `onConnect` subscribes to them.
     */
    public suspend fun connect(): Action? {
        session.start()
        return session.firstAction()
    }

    /**
     * Publishes [payload] to [topic] as another client would, then runs the consumer's handlers
     * as far as they go without time passing. It reaches the consumer only if one of its
     * subscriptions matches, at the lower of [qos] and the subscription's QoS; with [retain] the
     * broker keeps it for later subscribers (an empty payload deletes the retained message).
     */
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
    public fun publish(
        topic: String,
        payload: ByteArray,
        qos: Int = 0,
        retain: Boolean = false,
        properties: MessageProperties = MessageProperties.NONE,
    ) {
        session.publish(topic, payload, qos, retain, properties)
    }

    /**
     * The consumer's next action not taken yet. Runs what is due now first; does not move time.
     * Throws an [AssertionError] listing the actions so far and any handler failures if there is none.
     */
    public fun nextAction(): Action = session.nextAction()

    /** The channel layer the consumer uses: join groups, send from "outside", inspect. */
    public val layer: ChannelLayer get() = session.layer

    /**
     * The database the consumer's `transaction { … }` reaches, for the test to fill or check:
     * `database.transaction { MotionEvents.selectAll().count() }`. Its transactions run on the
     * test's dispatcher. Fails when the test has none (see `consumerTest`'s `databaseUrl`).
     */
    public val database: MqttFlowDatabase
        get() = KitDatabase.of(session.plugins, "consumerTest(databaseUrl = …)")

    /** The consumer's own layer channel (after [connect]). */
    public val channelName: String get() = session.channelName

    /** Sends a layer [message] to the consumer's channel and runs the handler it reaches. */
    public suspend fun send(message: LayerMessage) {
        session.sendToConsumer(message)
    }

    /** Sends a `@Serializable` [value] (its `@SerialName` is the type) to the consumer's channel. */
    public suspend inline fun <reified T> sendTyped(value: T) {
        send(LayerMessage.of(value))
    }

    /**
     * Takes the next action and checks it is a publish to [topic] (with [payload] as UTF-8 text,
     * when given); returns it for further checks. Fails naming what came instead.
     */
    public fun expectPublish(topic: String, payload: String? = null): Publish = session.expectPublish(topic, payload)

    /** Checks that the consumer has sent nothing more (after running what is due now). */
    public fun expectNoAction() {
        session.expectNoAction()
    }

    /** Every action the consumer's workers sent so far, in order, taken or not. */
    public val actions: List<Action> get() = session.actions

    /** [actions] with the worker that sent each and the virtual time it did. */
    public val actionLog: List<SentAction> get() = session.actionLog

    /**
     * What the consumer published as the broker received it: what other subscribers would see.
     * Unlike [actions] it holds publishes only, and only those the broker accepted.
     */
    public val published: List<Publish> get() = session.published

    /** The consumer's subscriptions as the broker holds them: filter to granted QoS. */
    public val subscriptions: Map<String, Int> get() = session.subscriptions

    /** The message the broker retains on [topic], or null. */
    public fun retained(topic: String): Message? = session.retained(topic)

    /** Every handler that threw so far (the runtime logged it and went on, by its failure policy). */
    public val failures: List<HandlerFailure> get() = session.failures

    /**
     * Moves virtual time forward by [duration] and runs everything due up to and including then,
     * so a `delay(5.minutes)` started now has finished after `advanceTimeBy(5.minutes)`.
     */
    public fun advanceTimeBy(duration: Duration) {
        session.advanceTimeBy(duration)
    }

    /** Runs everything due at the current virtual time. */
    public fun runCurrent() {
        session.runCurrent()
    }

    /** Virtual milliseconds since the test started. */
    public val currentTime: Long get() = session.currentTime

    /**
     * Stops the consumer as production does: its `onDisconnect` runs (its actions can still be
     * taken with [nextAction]), its subscriptions are released, and the connection closes.
     */
    public suspend fun disconnect() {
        session.stop()
    }

    /**
     * Restarts the consumer as a process restart would: it stops (its `onDisconnect` runs),
     * [downFor] of virtual time passes with nothing running, and it starts again on the same
     * broker, clock, database and store — pending durable timers, stored values and retained
     * messages carried over; timers that came due while down follow their misfire policy.
     * Actions of the new run are taken with [nextAction] as before.
     */
    public suspend fun restart(downFor: Duration = Duration.ZERO) {
        session.restart(downFor)
    }

    /** Where the consumer's durable timers and stored values are: look at them, or fill them before [connect]. */
    public val store: dev.mqttflow.automation.AutomationStore get() = session.store

    public companion object {
        /** A test's runtime settings: production defaults, the broker named `in-memory`, the zone UTC. */
        public val DEFAULT_CONFIG: MqttFlowConfig = MqttFlowConfig(host = "in-memory", zone = java.time.ZoneOffset.UTC)

        /** Where the virtual clock starts unless told otherwise: 2025-01-01T00:00:00Z. */
        public val DEFAULT_START: Instant = Instant.parse("2025-01-01T00:00:00Z")
    }
}
