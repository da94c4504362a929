@file:OptIn(ExperimentalCoroutinesApi::class)

package dev.mqttflow.testing

import dev.mqttflow.automation.AutomationStore
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.internal.KitObserver
import dev.mqttflow.internal.KitRuntime
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Action
import dev.mqttflow.protocol.Message
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import dev.mqttflow.worker.FailurePolicy
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestCoroutineScheduler
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Instant

/**
 * The engine shared by [ConsumerTestScope], [ConsumerTester] and [MqttCommunicator]: the real
 * [Runtime] on an [InMemoryBroker], on a dispatcher of [scheduler], with a [VirtualClock], and a
 * recorder of what the consumer's workers send (before subscriptions are merged across workers,
 * so `actions` is what the consumer did, not what the broker saw; see [published]).
 *
 * Single-threaded: everything runs on the thread that drives [scheduler]. [plugins] (the database,
 * if any) run their blocking work on a dispatcher of [scheduler] too; the session uses what they
 * opened, across restarts, but neither opens nor closes them (its driver does, see [KitPlugins]).
 */
internal class KitSession(
    val scheduler: TestCoroutineScheduler,
    private val consumer: Consumer,
    private val params: Map<String, Any?>,
    private val failurePolicy: FailurePolicy,
    private val config: MqttFlowConfig,
    startTime: Instant,
    val plugins: KitPlugins? = null,
    private val monitor: dev.mqttflow.monitoring.FlowMonitor? = null,
    val broker: InMemoryBroker = InMemoryBroker(),
) : KitObserver {
    val clock: Clock = VirtualClock(startTime, scheduler)
    private val sharedLayer: ChannelLayer = InMemoryChannelLayer(clock = clock)

    /** Durable timers and stored state: in the database if the test has one, else in memory; kept across [restart]. */
    val store: AutomationStore = plugins?.store ?: dev.mqttflow.automation.InMemoryAutomationStore()
    private var runtime = newRuntime()

    private fun newRuntime() = KitRuntime(
        connection = broker.connection(CLIENT_ID),
        config = config,
        dispatcher = StandardTestDispatcher(scheduler, "mqttflow-test"),
        clock = clock,
        layer = sharedLayer,
        failurePolicy = failurePolicy,
        observer = this,
        monitor = monitor,
        context = (plugins?.context ?: kotlin.coroutines.EmptyCoroutineContext) + store,
        plugins = plugins?.plugins.orEmpty(),
    )

    /** The channel layer the consumer's runtime uses (in memory, on the virtual clock). */
    val layer: ChannelLayer get() = runtime.layer

    /** The channel of the consumer under test (its master worker). */
    val channelName: String
        get() = runtime.masterChannel
            ?: throw AssertionError("the consumer is not running: call connect() first")

    /** Sends [message] to the consumer's own channel, as another worker or process would, and runs what it causes. */
    suspend fun sendToConsumer(message: LayerMessage) {
        requireStarted("send()")
        layer.send(channelName, message)
        scheduler.runCurrent()
    }
    private val log = ArrayList<SentAction>()
    private val failureLog = ArrayList<HandlerFailure>()
    private var cursor = 0
    private val sentCount = MutableStateFlow(0)
    private var state = State.NEW

    private enum class State { NEW, RUNNING, STOPPED }

    val actions: List<Action> get() = log.map { it.action }
    val actionLog: List<SentAction> get() = log.toList()
    val failures: List<HandlerFailure> get() = failureLog.toList()
    val published: List<Publish> get() = broker.publishes.filter { it.from == CLIENT_ID }.map { it.publish }
    val subscriptions: Map<String, Int> get() = broker.subscriptions(CLIENT_ID)
    val currentTime: Long get() = scheduler.currentTime

    override fun actionSent(workerName: String, action: Action) {
        log += SentAction(workerName, action, scheduler.currentTime)
        sentCount.value = log.size
    }

    override fun handlerFailed(workerName: String, what: String, topic: String?, error: Throwable) {
        failureLog += HandlerFailure(workerName, what, topic, error, scheduler.currentTime)
    }

    /** Connects the runtime to the broker and starts the consumer's worker; its `onConnect` is queued. */
    suspend fun start() {
        check(state == State.NEW) {
            if (state ==
                State.RUNNING
            ) {
                "connect() was called twice"
            } else {
                "the consumer was disconnected; start a new test"
            }
        }
        state = State.RUNNING
        runtime.start(listOf(consumer), params)
    }

    /** After [start]: runs `onConnect` as far as it goes now and returns its first action, if any. */
    fun firstAction(): Action? {
        scheduler.runCurrent()
        val failure = failureLog.firstOrNull { it.handler == "onConnect" }
        if (failure != null) throw report("'${consumer.name}': onConnect threw ${failure.error}")
        return if (cursor < log.size) log[cursor++].action else null
    }

    fun publish(topic: String, payload: ByteArray, qos: Int, retain: Boolean, properties: MessageProperties) {
        broker.publish(topic, payload, qos, retain, properties)
        scheduler.runCurrent()
    }

    fun nextAction(): Action {
        requireStarted("nextAction()")
        scheduler.runCurrent()
        if (cursor >= log.size) throw report("expected an action from '${consumer.name}', but it sent nothing more")
        return log[cursor++].action
    }

    fun expectPublish(topic: String, payload: String?): Publish {
        val wanted = "a Publish to '$topic'" + (payload?.let { " with payload \"$it\"" } ?: "")
        requireStarted("expectPublish()")
        scheduler.runCurrent()
        if (cursor >= log.size) throw report("expected $wanted, but '${consumer.name}' sent nothing more")
        val next = log[cursor++].action
        val matches = next is Publish && next.topic == topic && (payload == null || next.text == payload)
        if (!matches) throw report("expected $wanted, but the next action was $next")
        return next as Publish
    }

    fun expectNoAction() {
        requireStarted("expectNoAction()")
        scheduler.runCurrent()
        if (cursor < log.size) {
            throw report("expected no action from '${consumer.name}', but it sent ${log.size - cursor} more")
        }
    }

    fun hasPendingAction(): Boolean = cursor < log.size

    /** Suspends until an action not yet taken exists; lets the caller's test scheduler move time meanwhile. */
    suspend fun awaitAction() {
        sentCount.first { it > cursor }
    }

    fun retained(topic: String): Message? = broker.retained(topic)

    fun advanceTimeBy(duration: Duration) {
        require(!duration.isNegative()) { "cannot move virtual time backwards (by $duration)" }
        scheduler.advanceTimeBy(duration)
        scheduler.runCurrent()
    }

    fun runCurrent() {
        scheduler.runCurrent()
    }

    /**
     * Fails when QoS 1/2 messages delivered to the consumer are still unacknowledged after what is
     * due now ran: in production such a message holds back every later acknowledgement on the
     * connection. Lists them; the opt-out is `consumerTest(allowUnacknowledged = true)`.
     */
    fun checkAllAcknowledged() {
        if (state != State.RUNNING) return
        scheduler.runCurrent()
        val left = broker.unacknowledged(CLIENT_ID)
        if (left.isEmpty()) return
        val list = left.joinToString("\n") { "  - '${it.topic}' (QoS ${it.qos}): ${preview(it.payload)}" }
        throw report(
            "the test ended with ${left.size} QoS 1/2 message(s) that '${consumer.name}' has not acknowledged " +
                "(its handler has not returned: is it waiting for virtual time? advanceTimeBy moves it):\n$list\n" +
                "Pass allowUnacknowledged = true if the test means to end that way.",
        )
    }

    private fun preview(payload: ByteArray): String {
        val text = payload.decodeToString()
        return if (text.length > PREVIEW) "\"${text.take(PREVIEW)}…\"" else "\"$text\""
    }

    val running: Boolean get() = state == State.RUNNING

    /** Stops the worker the way production does (`onDisconnect` runs), then disconnects. */
    suspend fun stop() {
        if (state != State.RUNNING) {
            state = State.STOPPED
            return
        }
        state = State.STOPPED
        runtime.stop()
    }

    /**
     * Stops the consumer as [stop] does, lets [downFor] of virtual time pass with nothing running,
     * and starts it again on a new runtime with the same broker, clock, database and [store]: as a
     * process restart, with pending timers, retained messages and stored values carried over.
     */
    suspend fun restart(downFor: Duration) {
        require(!downFor.isNegative()) { "restart(downFor = $downFor): the downtime cannot be negative" }
        check(state == State.RUNNING) { "restart() needs a running consumer: call connect() first" }
        runtime.stop()
        scheduler.runCurrent()
        if (downFor.isPositive()) advanceTimeBy(downFor)
        runtime = newRuntime()
        runtime.start(listOf(consumer), params)
        scheduler.runCurrent()
    }

    /** Cancels whatever the runtime still runs, at once; the last resort when a test ends. */
    fun kill() {
        state = State.STOPPED
        runtime.cancel()
    }

    private fun requireStarted(what: String) {
        if (state == State.NEW) {
            throw AssertionError("$what before connect(): call connect() first, it starts '${consumer.name}'")
        }
    }

    fun report(headline: String): AssertionError =
        AssertionError(FailureReport.render(headline, consumer.name, scheduler.currentTime, log, cursor, failureLog))

    companion object {
        /** The client id the consumer's runtime has at the [InMemoryBroker]. */
        const val CLIENT_ID: String = "mqttflow-test"
        private const val PREVIEW = 60
    }
}
