package dev.mqttflow.testing

import dev.mqttflow.MqttFlowPlugin
import dev.mqttflow.automation.AutomationStore
import dev.mqttflow.automation.InMemoryAutomationStore
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.internal.KitAwarePlugin
import dev.mqttflow.internal.KitPluginSettings
import kotlinx.coroutines.CoroutineDispatcher
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The plugins of one kit test, found on the classpath as a production run finds them
 * ([MqttFlowPlugin.installed]); those that run differently in a test ([KitAwarePlugin], such as
 * mqttflow-exposed's database) are asked for the test's version. The kit itself names no
 * database type here: a test without mqttflow-exposed on its classpath gets none, and one that
 * asks for a database then is told what to add.
 *
 * [open] once per test, [close] once at its end; a restart keeps the same [context] (the same
 * database and store), as a process restart keeps its database.
 */
internal class KitPlugins(
    consumer: Consumer,
    settings: KitPluginSettings,
    installed: List<MqttFlowPlugin> = MqttFlowPlugin.installed(),
) {
    private val consumers = listOf(consumer)

    val plugins: List<MqttFlowPlugin> = run {
        if (settings.databaseUrl != null && installed.none { it is KitAwarePlugin && it.providesDatabase }) {
            throw IllegalArgumentException(
                "${settings.databaseOption} = '${settings.databaseUrl}' needs mqttflow-exposed on the test " +
                    "classpath: add the dependency dev.mqttflow:mqttflow-exposed (test scope) beside mqttflow-test",
            )
        }
        installed.mapNotNull { if (it is KitAwarePlugin) it.forKit(consumers, settings) else it }
    }

    /** What the plugins opened: every worker inherits it (the database, the durable store). */
    var context: CoroutineContext = EmptyCoroutineContext
        private set

    /** Durable timers and stored values: the plugins' store (the database's), else one in memory. */
    val store: AutomationStore by lazy { context[AutomationStore] ?: InMemoryAutomationStore() }

    /**
     * Opens the plugins, then lets them prepare the consumer as a run does before its first worker
     * starts (the database's declared tables are created), so a test can fill them before `connect()`.
     */
    suspend fun open() {
        for (plugin in plugins) context += plugin.open(consumers)
        for (plugin in plugins) plugin.beforeStart(consumers, context)
    }

    suspend fun close() {
        plugins.asReversed().forEach { it.close(context) }
    }

    companion object {
        /** The settings of a test whose blocking work runs on [dispatcher]. */
        fun settings(databaseUrl: String?, option: String, dispatcher: CoroutineDispatcher) =
            KitPluginSettings(databaseUrl, option, dispatcher)
    }
}
