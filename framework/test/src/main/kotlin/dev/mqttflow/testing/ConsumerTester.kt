@file:OptIn(ExperimentalCoroutinesApi::class)

package dev.mqttflow.testing

import dev.mqttflow.automation.AutomationStore
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.monitoring.FlowMonitor
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
import kotlin.time.toKotlinInstant

/**
 * The test kit for Java (and for any blocking test): the same engine and the same features as
 * [consumerTest], driven by plain method calls that return when the consumer has done what it can
 * without time passing.
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
 * [builder] sets what `consumerTest`'s parameters set: params, failure policy, config, start
 * time, database URL, monitor, and whether unacknowledged messages are allowed at [close] (by
 * default [close] fails, as `consumerTest` does, when QoS 1/2 messages are left unacknowledged).
 *
 * It owns its own virtual-time scheduler, which moves only with [advanceTimeBy] and [restart]
 * (and, if the consumer's `onDisconnect` waits, while [disconnect] or [close] waits for it, up to
 * the runtime's shutdown timeout). Not thread-safe: use it from the test's thread. Write Java
 * consumers with [dev.mqttflow.consumer.BlockingConsumer].
 */
public class ConsumerTester private constructor(consumer: Consumer, private val options: Builder) : AutoCloseable {
    /** A tester of [consumer] with [params] and [failurePolicy]; see [builder] for the other settings. */
    @JvmOverloads
    public constructor(
        consumer: Consumer,
        params: Map<String, Any?> = emptyMap(),
        failurePolicy: FailurePolicy = FailurePolicy.Continue,
    ) : this(consumer, Builder(consumer).params(params).failurePolicy(failurePolicy))

    private val scheduler = TestCoroutineScheduler()
    private val driver = CoroutineScope(StandardTestDispatcher(scheduler, "mqttflow-tester") + SupervisorJob())
    private val config = options.config
    private val plugins = KitPlugins(
        consumer,
        KitPlugins.settings(options.databaseUrl, DATABASE_OPTION, StandardTestDispatcher(scheduler, "mqttflow-io")),
    )
    private val session: KitSession

    init {
        var opened: Result<Unit>? = null
        driver.launch { opened = runCatching { plugins.open() } }
        scheduler.runCurrent()
        opened?.getOrThrow() ?: throw AssertionError("opening the test's database did not finish")
        session = KitSession(
            scheduler,
            consumer,
            options.params,
            options.failurePolicy,
            config,
            options.startTime,
            plugins,
            options.monitor,
        )
    }

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

    /** Publishes with MQTT 5 [properties]; see [ConsumerTestScope.publish]. */
    public fun publish(topic: String, payload: String, qos: Int, retain: Boolean, properties: MessageProperties) {
        session.publish(topic, payload.encodeToByteArray(), qos, retain, properties)
    }

    /**
     * Sends [message] to the consumer's own channel on the channel layer, as another worker or
     * process would (reaching `BlockingConsumer.onLayerMessage`), and runs what it causes.
     */
    public fun send(message: LayerMessage) {
        drive("send()") { session.sendToConsumer(message) }
    }

    /** The channel of the consumer under test; after [connect]. */
    public val channelName: String get() = session.channelName

    /** The channel layer the consumer uses (in memory, on the virtual clock). */
    public val layer: ChannelLayer get() = session.layer

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

    /** What the consumer's clock says now: the start time plus [currentTimeMillis]. */
    public fun now(): java.time.Instant = session.clock.now().toJavaInstant()

    /**
     * The database the consumer's `transaction { … }` reaches; fails when the test has none (see
     * [Builder.databaseUrl]). From Java, [jdbc] is the simpler way in.
     */
    public val database: MqttFlowDatabase get() = KitDatabase.of(plugins, "$DATABASE_OPTION(…)")

    /**
     * Runs [work] on a JDBC connection to the test's [database], in a transaction on the test's
     * scheduler, and returns what it returns: fill tables before [connect], check what handlers stored.
     */
    public fun <T> jdbc(work: SqlWork<T>): T {
        val db = database
        var result: Result<T>? = null
        drive("jdbc()") { result = runCatching { KitDatabase.jdbc(db, work) } }
        return result!!.getOrThrow()
    }

    /** Where the consumer's durable timers and stored values are, kept across [restart]. */
    public val store: AutomationStore get() = session.store

    /**
     * Fails (an [AssertionError] listing them) when QoS 1/2 messages delivered to the consumer are
     * still unacknowledged after what is due now ran. [close] calls it unless the builder said
     * [Builder.allowUnacknowledged]. In production one such message holds back every later
     * acknowledgement on the connection.
     */
    public fun checkAllAcknowledged() {
        session.checkAllAcknowledged()
    }

    /** Stops the consumer (its `onDisconnect` runs; its actions can still be taken) and disconnects. */
    public fun disconnect() {
        drive("disconnect()") { session.stop() }
    }

    /**
     * Restarts the consumer as a process restart would: see [ConsumerTestScope.restart]. [downFor]
     * of virtual time passes while nothing runs.
     */
    @JvmOverloads
    public fun restart(downFor: java.time.Duration = java.time.Duration.ZERO) {
        drive("restart()") { session.restart(downFor.toKotlinDuration()) }
    }

    /** Fails if messages are left unacknowledged (unless allowed), disconnects, releases everything. */
    override fun close() {
        try {
            if (!options.allowUnacknowledged) session.checkAllAcknowledged()
        } finally {
            try {
                if (session.running) disconnect()
            } finally {
                session.kill()
                drive("close()") { plugins.close() }
                driver.cancel()
            }
        }
    }

    /**
     * Runs [op] on the scheduler until it finishes. Moves virtual time (a millisecond at a step)
     * only if [op] waits for it, and gives up after twice the shutdown timeout of such waiting.
     */
    private fun drive(what: String, op: suspend () -> Unit) {
        var outcome: Result<Unit>? = null
        driver.launch { outcome = runCatching { op() } }
        scheduler.runCurrent()
        val limit = 2 * config.shutdownTimeout.inWholeMilliseconds
        var waited = 0L // what this loop moved; [op] may move time itself (restart's downtime)
        while (outcome == null && waited < limit) {
            scheduler.advanceTimeBy(1)
            scheduler.runCurrent()
            waited++
        }
        val result = outcome ?: throw session.report("$what did not finish within ${config.shutdownTimeout * 2}")
        result.getOrThrow()
    }

    /**
     * The settings of a [ConsumerTester], the same as `consumerTest`'s parameters:
     *
     * ```java
     * try (ConsumerTester tester = ConsumerTester.builder(consumer)
     *         .startTime(Instant.parse("2025-06-01T12:00:00Z"))
     *         .databaseUrl("jdbc:sqlite:/tmp/house.db")
     *         .build()) { … }
     * ```
     */
    public class Builder internal constructor(private val consumer: Consumer) {
        internal var params: Map<String, Any?> = emptyMap()
        internal var failurePolicy: FailurePolicy = FailurePolicy.Continue
        internal var config: MqttFlowConfig = ConsumerTestScope.DEFAULT_CONFIG
        internal var startTime = ConsumerTestScope.DEFAULT_START
        internal var databaseUrl: String? = null
        internal var monitor: FlowMonitor? = null
        internal var allowUnacknowledged = false

        /** What the worker's `params` holds. */
        public fun params(params: Map<String, Any?>): Builder = apply { this.params = params.toMap() }

        /** What the worker does after a handler threw. */
        public fun failurePolicy(policy: FailurePolicy): Builder = apply { failurePolicy = policy }

        /** The runtime's settings that matter without a network (inbox capacity, shutdown timeout). */
        public fun config(config: MqttFlowConfig): Builder = apply { this.config = config }

        /** What the consumer's clock says when the test starts (default 2025-01-01T00:00:00Z). */
        public fun startTime(start: java.time.Instant): Builder = apply { startTime = start.toKotlinInstant() }

        /** The database the consumer reaches (a JDBC URL); needs mqttflow-exposed on the test classpath. */
        public fun databaseUrl(url: String?): Builder = apply { databaseUrl = url }

        /** Hears what the runtime does, as in `MqttFlow(monitor = …)`. */
        public fun monitor(monitor: FlowMonitor?): Builder = apply { this.monitor = monitor }

        /** When true, [close] does not fail on QoS 1/2 messages left unacknowledged. */
        public fun allowUnacknowledged(allow: Boolean): Builder = apply { allowUnacknowledged = allow }

        /** The tester, not connected yet. */
        public fun build(): ConsumerTester = ConsumerTester(consumer, this)
    }

    public companion object {
        private const val DATABASE_OPTION = "ConsumerTester.Builder.databaseUrl"

        /** Starts the settings of a tester of [consumer]. */
        @JvmStatic
        public fun builder(consumer: Consumer): Builder = Builder(consumer)
    }
}
