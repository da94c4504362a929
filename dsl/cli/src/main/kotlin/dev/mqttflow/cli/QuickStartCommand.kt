package dev.mqttflow.cli

import com.github.ajalt.clikt.core.CliktCommand
import com.github.ajalt.clikt.core.Context
import com.github.ajalt.clikt.parameters.options.default
import com.github.ajalt.clikt.parameters.options.flag
import com.github.ajalt.clikt.parameters.options.option
import com.github.ajalt.clikt.parameters.types.double
import com.github.ajalt.clikt.parameters.types.int
import com.github.ajalt.clikt.parameters.types.restrictTo
import dev.mqttflow.config.MqttFlowConfig
import kotlinx.coroutines.CompletableDeferred
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * `mqttflow quickstart`: an MQTT broker in this process, the [QuickStart] motion lights, a
 * monitor printing every message, and a short demo; then it keeps running for the user's own
 * `mosquitto_pub`. Needs nothing but a JDK.
 */
internal class QuickStartCommand(private val context: CliContext) : CliktCommand(name = "quickstart") {
    private val port by option("-p", "--port", metavar = "PORT", help = "broker port; a free one if it is taken")
        .int().restrictTo(1..MAX_PORT).default(MqttFlowConfig.DEFAULT_PORT)
    private val offAfter by option("--off-after", metavar = "SECONDS", help = "how long the lights stay on")
        .double().restrictTo(0.0..MAX_OFF_AFTER).default(QuickStart.DEFAULT_OFF_AFTER.inWholeMilliseconds / MS)
    private val noDemo by option("--no-demo", help = "skip the demo motion events").flag()
    private val verbosityOption by option("-v", "--verbosity", metavar = "0|1|2", help = "log detail")
        .int().restrictTo(0..2).default(0)

    /** The resolved `-v`, for how much the CLI says about a failure. */
    var verbosity: Int = 0
        private set

    override fun help(context: Context): String =
        "Start a broker in this process and run a sample motion-lights automation against it."

    override fun run() {
        verbosity = verbosityOption
        Logging.apply(verbosity)
        val broker = Runner.startEmbeddedBroker(port, fallBackToFree = true)
        try {
            val out = context.out
            val say: (String) -> Unit = { line -> out.println(line) }
            val tryIt = "mosquitto_pub -h 127.0.0.1 -p ${broker.port} -t home/garage/motion -m 1"
            out.println("mqttflow ${Version.current} quick start")
            if (broker.port != port) out.println("port $port is taken; using ${broker.port} instead")
            out.println("MQTT broker (HiveMQ CE, in this process) listening on 127.0.0.1:${broker.port}")
            out.println("consumers: lights (home/+/motion -> home/lights/{room}/set), monitor (prints home/#)")
            val off = (offAfter * MS).toLong().milliseconds
            val lightsReady = CompletableDeferred<Unit>()
            val monitorReady = CompletableDeferred<Unit>()
            val consumers = buildList {
                add(QuickStart.motionLights(off, say) { lightsReady.complete(Unit) })
                add(QuickStart.monitor(say) { monitorReady.complete(Unit) })
                if (noDemo) {
                    out.println("send motion with: $tryIt")
                } else {
                    add(
                        QuickStart.demo(say, off, {
                            lightsReady.await()
                            monitorReady.await()
                        }, tryIt),
                    )
                }
            }
            val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port, shutdownTimeout = 5.seconds)
            Runner(context.signals, context.halt, context.err::println).run(config, consumers)
        } finally {
            // The process exits next: HiveMQ's 4 s graceful stop would only delay that.
            broker.closeForExit()
        }
    }

    private companion object {
        const val MAX_PORT = 65535
        const val MAX_OFF_AFTER = 3600.0
        const val MS = 1000.0
    }
}
