package dev.mqttflow.cli

import dev.mqttflow.ConsumerControl
import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory
import java.io.IOException
import java.net.InetAddress
import java.net.ServerSocket
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** A failure at run time that the CLI reports as one line and exit code 1. */
internal class RunException(message: String, cause: Throwable? = null) : Exception(message, cause)

/** Where stop requests come from: SIGTERM and SIGINT in the real CLI, a test's hand in tests. */
internal fun interface StopSignals {
    /** Calls [onSignal] (on some thread) each time a stop is asked for. */
    fun install(onSignal: () -> Unit)
}

/**
 * SIGTERM and SIGINT, handled without starting the JVM's shutdown, so the CLI decides the exit
 * code. [installEarly] catches them from the first moment of `main`; a signal that arrives
 * before the run has begun is kept and stops the run as soon as it begins.
 */
internal object OsSignals : StopSignals {
    @Volatile
    private var handler: (() -> Unit)? = null
    private val pending = AtomicInteger()

    fun installEarly() {
        for (name in listOf("TERM", "INT")) {
            try {
                sun.misc.Signal.handle(sun.misc.Signal(name)) { deliver() }
            } catch (_: IllegalArgumentException) {
                // this platform does not know the signal: nothing to handle
            }
        }
    }

    @Synchronized
    private fun deliver() {
        val current = handler
        if (current == null) pending.incrementAndGet() else current()
    }

    @Synchronized
    override fun install(onSignal: () -> Unit) {
        handler = onSignal
        repeat(pending.getAndSet(0)) { onSignal() }
    }
}

/**
 * Runs consumers until a stop signal, then stops them cleanly: every worker's `onDisconnect` runs
 * and in-flight handlers get the shutdown timeout. A watchdog bounds the whole stop; another
 * signal more than a second after the first ends the process at once through [halt] (one within
 * the second is the same signal delivered twice, as `timeout` and some supervisors do).
 */
internal class Runner(
    private val signals: StopSignals,
    private val halt: (Int) -> Unit,
    private val err: (String) -> Unit,
    private val flowFactory: (MqttFlowConfig) -> MqttFlow = { MqttFlow(it) },
) {
    private val log = LoggerFactory.getLogger("mqttflow.cli")

    /**
     * Returns after a clean stop; throws [RunException] or the framework's exception when the
     * broker cannot be reached (after the workers were stopped). [control], if given, runs beside the
     * consumers and may start and stop consumers (`--watch`); [consumers] may then be empty.
     */
    fun run(config: MqttFlowConfig, consumers: List<Consumer>, control: (suspend ConsumerControl.() -> Unit)? = null) {
        val stop = CompletableDeferred<Unit>()
        val firstSignal = AtomicLong()
        signals.install {
            val now = System.nanoTime()
            when {
                firstSignal.compareAndSet(0, now) -> {
                    log.info("stopping (signal received); signal again to end the process at once")
                    startWatchdog(stopBound(config))
                    stop.complete(Unit)
                }

                // The same signal delivered twice (to the process and to its group) is one request.
                now - firstSignal.get() < DUPLICATE_WINDOW.inWholeNanoseconds -> Unit

                else -> {
                    err("mqttflow: error: a second signal arrived before the clean stop finished; exiting now")
                    halt(1)
                }
            }
        }
        runBlocking {
            coroutineScope {
                val flow = launch {
                    val mqttFlow = flowFactory(config)
                    if (control == null) mqttFlow.run(consumers) else mqttFlow.run(consumers, control)
                }
                val stopper = launch {
                    stop.await()
                    flow.cancel(CancellationException("stop requested"))
                }
                try {
                    flow.join()
                } finally {
                    stopper.cancel()
                }
            }
        }
    }

    private fun startWatchdog(bound: Duration) {
        val watchdog = Thread({
            try {
                Thread.sleep(bound.inWholeMilliseconds)
                err("mqttflow: error: the consumers did not stop within $bound; exiting")
                halt(1)
            } catch (_: InterruptedException) {
                // the process ended first
            }
        }, "mqttflow-stop-watchdog")
        watchdog.isDaemon = true
        watchdog.start()
    }

    companion object {
        private val MARGIN = 5.seconds
        private val DUPLICATE_WINDOW = 1.seconds

        /** Handlers in flight, then `onDisconnect`, each bounded by the shutdown timeout; plus the disconnect. */
        fun stopBound(config: MqttFlowConfig): Duration = config.shutdownTimeout * 2 + MARGIN

        /**
         * Starts the embedded broker on [port] (127.0.0.1); when [fallBackToFree] and the port is
         * taken, on a free port instead. Throws [RunException] naming the port otherwise.
         */
        fun startEmbeddedBroker(port: Int, fallBackToFree: Boolean): EmbeddedBroker {
            val chosen = when {
                isFree(port) -> port

                fallBackToFree -> EmbeddedBroker.freePort()

                else -> throw RunException(
                    "--embedded-broker: port $port on 127.0.0.1 is already in use; choose another with -p",
                )
            }
            return try {
                EmbeddedBroker.start(chosen)
            } catch (e: IllegalStateException) {
                throw RunException(e.message ?: "the embedded broker could not start on port $chosen", e)
            }
        }

        private fun isFree(port: Int): Boolean = try {
            ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close()
            true
        } catch (_: IOException) {
            false
        }
    }
}
