@file:OptIn(ExperimentalCoroutinesApi::class)

package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestCoroutineScheduler
import kotlin.time.Duration
import kotlin.time.toJavaInstant
import kotlin.time.toKotlinDuration

/**
 * The test kit for Java (and for any blocking test): the same engine as [consumerTest], driven
 * by plain method calls that return when the consumer has done what it can without time passing.
 *
 * ```java
 * try (ConsumerTester tester = new ConsumerTester(new Echo())) {
 *     assertEquals(new Subscribe("echo/in", 1), tester.connect());
 *     tester.publish("echo/in", "hello", 1);
 *     assertEquals("hello", tester.expectPublish("echo/out").getText());
 *     tester.advanceTimeBy(Duration.ofMinutes(10));
 *     tester.expectNoAction();
 * }
 * ```
 *
 * It owns its own virtual-time scheduler, which moves only with [advanceTimeBy] (and, if the
 * consumer's `onDisconnect` waits, while [disconnect] or [close] waits for it, up to the
 * runtime's shutdown timeout). Not thread-safe: use it from the test's thread. Write Java
 * consumers with [dev.mqttflow.consumer.BlockingConsumer].
 */
public class ConsumerTester @JvmOverloads constructor(
    consumer: Consumer,
    params: Map<String, Any?> = emptyMap(),
    failurePolicy: FailurePolicy = FailurePolicy.Continue,
) : AutoCloseable {
    private val scheduler = TestCoroutineScheduler()
    private val driver = CoroutineScope(StandardTestDispatcher(scheduler, "mqttflow-tester") + SupervisorJob())
    private val config = ConsumerTestScope.DEFAULT_CONFIG
    private val session =
        KitSession(scheduler, consumer, params, failurePolicy, config, ConsumerTestScope.DEFAULT_START)

    /** The in-memory broker the consumer is connected to. */
    public val broker: InMemoryBroker get() = session.broker

    /** Starts the consumer and returns the first action of its `onConnect`, or null if it sent none. */
    public fun connect(): Action? {
        drive("connect()") { session.start() }
        return session.firstAction()
    }

    /** Publishes [payload] to [topic] as another client would; see [ConsumerTestScope.publish]. */
    @JvmOverloads
    public fun publish(topic: String, payload: String, qos: Int = 0, retain: Boolean = false) {
        publish(topic, payload.encodeToByteArray(), qos, retain)
    }

    /** Publishes raw bytes; see the [String] overload. */
    @JvmOverloads
    public fun publish(topic: String, payload: ByteArray, qos: Int = 0, retain: Boolean = false) {
        session.publish(topic, payload, qos, retain, MessageProperties.NONE)
    }

    /** The consumer's next action not taken yet; fails with the actions so far when there is none. */
    public fun nextAction(): Action = session.nextAction()

    /** Takes the next action and checks it is a publish to [topic]; returns it. */
    public fun expectPublish(topic: String): Publish = session.expectPublish(topic, null)

    /** Takes the next action and checks it is a publish of UTF-8 [payload] to [topic]; returns it. */
    public fun expectPublish(topic: String, payload: String): Publish = session.expectPublish(topic, payload)

    /** Checks that the consumer has sent nothing more. */
    public fun expectNoAction() {
        session.expectNoAction()
    }

    /** Every action the consumer sent so far, in order. */
    public val actions: List<Action> get() = session.actions

    /** [actions] with the worker that sent each and when. */
    public val actionLog: List<SentAction> get() = session.actionLog

    /** What the consumer published, as the broker received it. */
    public val published: List<Publish> get() = session.published

    /** The consumer's subscriptions at the broker: filter to granted QoS. */
    public val subscriptions: Map<String, Int> get() = session.subscriptions

    /** Every handler that threw so far. */
    public val failures: List<HandlerFailure> get() = session.failures

    /** The message the broker retains on [topic], or null. */
    public fun retained(topic: String): Message? = session.retained(topic)

    /** Moves virtual time forward by [duration] and runs everything due up to and including then. */
    public fun advanceTimeBy(duration: java.time.Duration) {
        session.advanceTimeBy(duration.toKotlinDuration())
    }

    /** Moves virtual time forward by [duration]; for Kotlin callers. */
    public fun advanceTimeBy(duration: Duration) {
        session.advanceTimeBy(duration)
    }

    /** Runs everything due at the current virtual time. */
    public fun runCurrent() {
        session.runCurrent()
    }

    /** Virtual milliseconds since the test started. */
    public val currentTimeMillis: Long get() = session.currentTime

    /** What the consumer's clock says now. */
    public fun now(): java.time.Instant = session.clock.now().toJavaInstant()

    /**
     * Fails (an [AssertionError] listing them) when QoS 1/2 messages delivered to the consumer are
     * still unacknowledged after what is due now ran; call it at the end of a test. In production
     * one such message holds back every later acknowledgement on the connection.
     */
    public fun checkAllAcknowledged() {
        session.checkAllAcknowledged()
    }

    /** Stops the consumer (its `onDisconnect` runs; its actions can still be taken) and disconnects. */
    public fun disconnect() {
        drive("disconnect()") { session.stop() }
    }

    /** Disconnects if still connected, then releases everything. */
    override fun close() {
        try {
            if (session.running) disconnect()
        } finally {
            session.kill()
            driver.cancel()
        }
    }

    /**
     * Runs [op] on the scheduler until it finishes. Moves virtual time (a millisecond at a step)
     * only if [op] waits for it, and gives up after twice the shutdown timeout.
     */
    private fun drive(what: String, op: suspend () -> Unit) {
        var outcome: Result<Unit>? = null
        driver.launch { outcome = runCatching { op() } }
        scheduler.runCurrent()
        val limit = scheduler.currentTime + 2 * config.shutdownTimeout.inWholeMilliseconds
        while (outcome == null && scheduler.currentTime < limit) {
            scheduler.advanceTimeBy(1)
            scheduler.runCurrent()
        }
        val result = outcome ?: throw session.report("$what did not finish within ${config.shutdownTimeout * 2}")
        result.getOrThrow()
    }
}
