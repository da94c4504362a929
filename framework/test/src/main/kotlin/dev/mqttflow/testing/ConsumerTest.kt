package dev.mqttflow.testing

import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestResult
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext
import kotlin.time.Duration
import kotlin.time.Instant

/**
 * Tests [consumer] without a broker, in virtual time.
 *
 * ```kotlin
 * @Test
 * fun `turns the light on`() = consumerTest(lights) {
 *     connect() shouldBe Subscribe("home/+/motion", qos = 1)
 *     publish("home/living/motion", "1")
 *     expectPublish("home/lights/living/set", "on")
 *     advanceTimeBy(5.minutes)
 *     expectPublish("home/lights/living/set", "off")
 * }
 * ```
 *
 * The consumer runs on mqttflow's real runtime (routing, workers, failure handling), connected
 * to an [InMemoryBroker], on a dispatcher of this test's [TestScope]: `delay`, timers that
 * handlers `launch`, and `context.clock` all follow virtual time, which moves only when the block
 * says so ([ConsumerTestScope.advanceTimeBy]). When the block ends, the consumer is disconnected
 * (its `onDisconnect` runs) unless the block did it.
 *
 * Built on [runTest]; call it once per test, not inside another `runTest`. Works from JUnit 5
 * (`@Test fun x() = consumerTest(…) { … }`) and from any Kotest spec (`test("…") { consumerTest(…) { … } }`).
 *
 * @param params what the worker's `ConsumerContext.params` holds.
 * @param failurePolicy what the worker does after a handler threw, as in `MqttFlow`.
 * @param config the runtime's settings that matter without a network: [MqttFlowConfig.inboxCapacity]
 *   and [MqttFlowConfig.shutdownTimeout] (virtual time, like everything else).
 * @param startTime what `context.clock.now()` says when the test starts.
 * @param databaseUrl the database `transaction { … }` reaches (a JDBC URL). Null: a consumer that
 *   declares tables gets a private in-memory SQLite database, created for this test and gone after
 *   it; one that declares none gets no database. Databases need mqttflow-exposed on the test
 *   classpath (a URL without it fails, naming the dependency to add). Declared tables are created before `onConnect`.
 *   Either way the database's JDBC work runs on the test's dispatcher, so time stays virtual; the
 *   block reaches it as [ConsumerTestScope.database].
 * @param timeout real time the whole test may take, as in [runTest]; null for its default (60 s).
 * @param allowUnacknowledged by default a test fails when, at the end of [block] (after what is due
 *   then ran), QoS 1/2 messages delivered to the consumer are still unacknowledged — in production
 *   one such message holds back every later acknowledgement on the connection. The failure lists
 *   them; pass true when the test means to end with a handler still running.
 * @param zone the zone of the consumer's `daily`, `cron` and sun triggers; null keeps [config]'s
 *   (the kit's default config says UTC, so a test does not depend on the machine's zone).
 * @param location where sun triggers compute sunrise and sunset; null keeps [config]'s (none).
 * @param monitor hears what the runtime does, as in `MqttFlow(monitor = …)`: test your metrics
 *   (`dev.mqttflow.metrics.MicrometerMonitor` on a `SimpleMeterRegistry`) without a broker.
 */
@Suppress("LongParameterList") // all but the consumer and the block have defaults and are passed by name
public fun consumerTest(
    consumer: Consumer,
    params: Map<String, Any?> = emptyMap(),
    failurePolicy: FailurePolicy = FailurePolicy.Continue,
    config: MqttFlowConfig = ConsumerTestScope.DEFAULT_CONFIG,
    startTime: Instant = ConsumerTestScope.DEFAULT_START,
    databaseUrl: String? = null,
    timeout: Duration? = null,
    allowUnacknowledged: Boolean = false,
    monitor: dev.mqttflow.monitoring.FlowMonitor? = null,
    zone: java.time.ZoneId? = null,
    location: dev.mqttflow.automation.schedule.Location? = null,
    block: suspend ConsumerTestScope.() -> Unit,
): TestResult {
    val settings = config.copy(zone = zone ?: config.zone, location = location ?: config.location)
    val body: suspend TestScope.() -> Unit = {
        val io = StandardTestDispatcher(testScheduler, "mqttflow-test-io")
        val plugins = KitPlugins(consumer, KitPlugins.settings(databaseUrl, "consumerTest(databaseUrl)", io))
        plugins.open()
        try {
            val session =
                KitSession(testScheduler, consumer, params, failurePolicy, settings, startTime, plugins, monitor)
            guard(session)
            try {
                ConsumerTestScope(this, session).block()
                if (!allowUnacknowledged) session.checkAllAcknowledged()
            } finally {
                withContext(NonCancellable) { session.stop() }
            }
        } finally {
            withContext(NonCancellable) { plugins.close() }
        }
    }
    return if (timeout == null) runTest(testBody = body) else runTest(timeout = timeout, testBody = body)
}

/**
 * Makes sure nothing of [session]'s runtime outlives the test, even when the test times out
 * before it could stop it: `runTest` cancels its background scope when the body is done.
 */
internal fun TestScope.guard(session: KitSession) {
    backgroundScope.launch(start = CoroutineStart.UNDISPATCHED) {
        try {
            awaitCancellation()
        } finally {
            session.kill()
        }
    }
}
