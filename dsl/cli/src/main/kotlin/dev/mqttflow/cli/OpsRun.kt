package dev.mqttflow.cli

import dev.mqttflow.MqttFlow
import dev.mqttflow.metrics.MicrometerMonitor
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics
import io.micrometer.core.instrument.binder.system.ProcessorMetrics
import io.micrometer.core.instrument.binder.system.UptimeMetrics
import io.micrometer.prometheusmetrics.PrometheusConfig
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry
import java.net.InetSocketAddress

/**
 * What `--http` adds to a run: a Prometheus registry (mqttflow's meters plus the JVM's memory,
 * threads, CPU and uptime), the [monitor] to pass to [MqttFlow], and the [OpsServer] reading the
 * [flow] once it exists. [facts] are extra lines for the status page, secrets already hidden.
 */
internal class OpsRun(address: InetSocketAddress, facts: List<Pair<String, String>>) : AutoCloseable {
    val registry = PrometheusMeterRegistry(PrometheusConfig.DEFAULT)
    val monitor = MicrometerMonitor(registry)

    @Volatile
    var flow: MqttFlow? = null

    private val server: OpsServer

    init {
        JvmMemoryMetrics().bindTo(registry)
        JvmThreadMetrics().bindTo(registry)
        ProcessorMetrics().bindTo(registry)
        UptimeMetrics().bindTo(registry)
        server = OpsServer(address, registry, StatusPage(registry, facts)) { flow?.status }.start()
    }

    /** Where the server listens. */
    val address: InetSocketAddress get() = server.address

    override fun close() {
        server.close()
        registry.close()
    }
}
