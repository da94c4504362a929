package dev.mqttflow.metrics

import dev.mqttflow.MqttFlow
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.monitoring.FlowMonitor
import dev.mqttflow.monitoring.FlowStatus
import io.micrometer.core.instrument.Counter
import io.micrometer.core.instrument.Gauge
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Timer
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

/**
 * Records a running [MqttFlow] into a Micrometer [registry]: pass it as
 * `MqttFlow(config, monitor = MicrometerMonitor(registry))`, or call [MqttFlow] with `meterRegistry`.
 * Every meter is listed, with its tags, in docs/operations.md; names follow Micrometer's
 * conventions (`mqttflow.messages.received`, tag `consumer`), so a Prometheus registry shows
 * `mqttflow_messages_received_total{consumer="lights",qos="1"}`.
 *
 * Meters are looked up once per consumer and QoS, then kept: recording a message costs a map
 * read and a counter increment. Gauges read the run's [FlowStatus] when the registry is scraped.
 */
@Suppress("SpreadOperator") // the percentiles, once per meter created, not per message
public class MicrometerMonitor(private val registry: MeterRegistry) : FlowMonitor {
    private val received = ConcurrentHashMap<String, Array<Counter>>()
    private val durations = ConcurrentHashMap<String, Pair<Timer, Timer>>()
    private val publishes = ConcurrentHashMap<String, Counter>()
    private val ackLatency = Array(QOS_LEVELS) { qos ->
        Timer.builder("mqttflow.publish.ack.latency")
            .description("Time from sending a QoS 1/2 publish to the broker's PUBACK/PUBCOMP")
            .tag("qos", qos.toString())
            .publishPercentiles(*PERCENTILES)
            .register(registry)
    }
    private val connected = AtomicInteger(0)
    private val reconnects = Counter.builder("mqttflow.reconnects")
        .description("Times the connection came back after a loss").register(registry)
    private val losses = Counter.builder("mqttflow.connection.losses")
        .description("Times the connection to the broker was lost").register(registry)
    private val downtime = Timer.builder("mqttflow.connection.downtime")
        .description("How long each loss of the connection lasted, until the reconnect")
        .register(registry)
    private val gaugedConsumers = ConcurrentHashMap.newKeySet<String>()

    @Volatile
    private var status: FlowStatus? = null

    init {
        Gauge.builder("mqttflow.connection.connected", connected) { it.get().toDouble() }
            .description("1 while connected to the broker, else 0").register(registry)
        gauge("mqttflow.deliveries.unacknowledged", "QoS 1/2 messages routed to workers, not yet acknowledged") {
            it.unacknowledged
        }
        gauge("mqttflow.workers.alive", "Workers running now") { it.workersAlive }
        gauge("mqttflow.timers.pending", "Timers waiting to fire") { it.timersPending }
    }

    override fun attached(status: FlowStatus) {
        this.status = status
        connected.set(1)
    }

    override fun workerStarted(consumer: String) {
        if (!gaugedConsumers.add(consumer)) return
        Gauge.builder("mqttflow.inbox.depth") { status?.inboxDepth(consumer)?.toDouble() ?: 0.0 }
            .description("Messages waiting in the inboxes of the consumer's workers")
            .tag("consumer", consumer)
            .strongReference(true)
            .register(registry)
    }

    override fun messageReceived(consumer: String, qos: Int) {
        received.computeIfAbsent(consumer) { name ->
            Array(QOS_LEVELS) { q ->
                Counter.builder("mqttflow.messages.received")
                    .description("Messages routed to the consumer's workers (once per worker)")
                    .tags("consumer", name, "qos", q.toString())
                    .register(registry)
            }
        }[qos].increment()
    }

    override fun handled(consumer: String, nanos: Long, failed: Boolean) {
        val (ok, error) = durations.computeIfAbsent(consumer) { name ->
            timer(name, "success") to timer(name, "failure")
        }
        (if (failed) error else ok).record(nanos, TimeUnit.NANOSECONDS)
    }

    override fun handlerFailed(consumer: String, handler: String) {
        Counter.builder("mqttflow.handler.failures")
            .description("Handlers that failed for good (after their retries)")
            .tags("consumer", consumer, "handler", handler)
            .register(registry)
            .increment()
    }

    override fun published(qos: Int, ackNanos: Long, failed: Boolean) {
        val outcome = if (failed) "failure" else "success"
        publishes.computeIfAbsent("$qos/$outcome") {
            Counter.builder("mqttflow.publishes")
                .description("Messages published by the workers")
                .tags("qos", qos.toString(), "outcome", outcome)
                .register(registry)
        }.increment()
        if (!failed && qos > 0) ackLatency[qos].record(ackNanos, TimeUnit.NANOSECONDS)
    }

    override fun connectionLost(final: Boolean) {
        connected.set(0)
        losses.increment()
    }

    override fun reconnected(disconnectedNanos: Long) {
        connected.set(1)
        reconnects.increment()
        downtime.record(disconnectedNanos, TimeUnit.NANOSECONDS)
    }

    override fun deadLettered(consumer: String) {
        Counter.builder("mqttflow.dead.letters")
            .description("Messages published to a dead-letter topic after their handler kept failing")
            .tag("consumer", consumer)
            .register(registry)
            .increment()
    }

    override fun layerSent(consumer: String, kind: String) {
        Counter.builder("mqttflow.layer.sent")
            .description("Channel-layer messages sent by the consumer's workers")
            .tags("consumer", consumer, "kind", kind)
            .register(registry)
            .increment()
    }

    override fun layerReceived(consumer: String) {
        Counter.builder("mqttflow.layer.received")
            .description("Channel-layer messages handled by the consumer's workers")
            .tag("consumer", consumer)
            .register(registry)
            .increment()
    }

    private fun timer(consumer: String, outcome: String): Timer = Timer.builder("mqttflow.handler.duration")
        .description("Time one onMessage call took")
        .tags("consumer", consumer, "outcome", outcome)
        .publishPercentiles(*PERCENTILES)
        .register(registry)

    private fun gauge(name: String, description: String, read: (FlowStatus) -> Int) {
        Gauge.builder(name) { status?.let(read)?.toDouble() ?: 0.0 }
            .description(description)
            .strongReference(true)
            .register(registry)
    }

    private companion object {
        const val QOS_LEVELS = 3
        val PERCENTILES = doubleArrayOf(0.5, 0.95, 0.99)
    }
}

/**
 * `MqttFlow(config, meterRegistry = registry)`: an [MqttFlow] that records its metrics into
 * [meterRegistry] through a [MicrometerMonitor]; the other parameters are [MqttFlow]'s.
 */
@Suppress("FunctionNaming") // a factory named after the class it makes, like kotlinx's Job()
public fun MqttFlow(config: MqttFlowConfig = MqttFlowConfig(), meterRegistry: MeterRegistry): MqttFlow =
    MqttFlow(config, monitor = MicrometerMonitor(meterRegistry))
