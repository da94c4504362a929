package dev.mqttflow.samples

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.database.DatabasePlugin
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.errors.MqttFlowException
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.InMemoryChannelLayer
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import java.net.ServerSocket
import java.util.concurrent.CountDownLatch
import kotlin.system.exitProcess

/**
 * Runs sample consumers until Ctrl-C, the way each sample's `main` does.
 *
 * The broker: `MQTT_HOSTNAME` (with `MQTT_PORT`, `MQTT_USERNAME`, `MQTT_PASSWORD`), as mqttasgi reads
 * them; without `MQTT_HOSTNAME`, an embedded broker on 127.0.0.1, port `MQTT_PORT` or 1883 (a free port
 * if that one is taken; it is printed). The database: `MQTTFLOW_DB_URL`, else `./mqttflow.db`.
 * The consumers share [layer] (in memory unless given); [alongside] runs beside them, in the same
 * process but outside any consumer (the layer sample reads commands from the terminal there), and
 * is cancelled with them. A configuration error (a missing API key, a bad URL) is printed in one
 * line, exit code 2.
 */
@JvmOverloads
fun runSample(
    env: Map<String, String> = System.getenv(),
    layer: ChannelLayer = InMemoryChannelLayer(),
    alongside: suspend CoroutineScope.() -> Unit = {},
    consumers: () -> List<Consumer>,
) = exitOnConfigError {
    val chosen = consumers()
    MqttFlowDatabase.fromEnvironment(env).use { db -> runWithBroker(env, db, chosen, layer, alongside) }
}

/** Runs [block]; a configuration error is printed in one line and ends the process with exit code 2. */
fun <T> exitOnConfigError(block: () -> T): T = try {
    block()
} catch (e: MqttFlowException) {
    System.err.println("error: ${e.message}")
    exitProcess(2)
}

private fun runWithBroker(
    env: Map<String, String>,
    db: MqttFlowDatabase,
    consumers: List<Consumer>,
    layer: ChannelLayer,
    alongside: suspend CoroutineScope.() -> Unit,
) {
    val host = env["MQTT_HOSTNAME"]?.takeIf { it.isNotBlank() }
    val wantedPort = env["MQTT_PORT"]?.toIntOrNull()
    val broker = if (host == null) EmbeddedBroker.start(embeddedPort(wantedPort ?: DEFAULT_PORT)) else null
    try {
        val config = MqttFlowConfig(
            host = host ?: "127.0.0.1",
            port = broker?.port ?: wantedPort,
            username = env["MQTT_USERNAME"],
            password = env["MQTT_PASSWORD"],
        )
        if (broker != null) println("mqttflow sample: embedded broker on 127.0.0.1:${broker.port}")
        println(
            "mqttflow sample: database ${db.displayUrl}; running ${consumers.joinToString {
                it.name
            }} (Ctrl-C stops)",
        )
        runUntilInterrupted(MqttFlow(config, layer = layer, plugins = listOf(DatabasePlugin(db))), consumers, alongside)
    } finally {
        broker?.close()
    }
}

private const val DEFAULT_PORT = 1883

private fun embeddedPort(wanted: Int): Int = try {
    ServerSocket(wanted).use { wanted }
} catch (_: java.io.IOException) {
    0
}

/** Runs until the JVM is asked to stop; then cancels, so every worker's onDisconnect runs. */
private fun runUntilInterrupted(
    flow: MqttFlow,
    consumers: List<Consumer>,
    alongside: suspend CoroutineScope.() -> Unit,
) = runBlocking {
    val stopped = CountDownLatch(1)
    val job = launch {
        try {
            coroutineScope {
                launch { alongside() }
                flow.run(consumers)
            }
        } finally {
            stopped.countDown()
        }
    }
    val hook = Thread {
        runBlocking { job.cancelAndJoin() }
        stopped.await()
    }
    Runtime.getRuntime().addShutdownHook(hook)
    job.join()
}
