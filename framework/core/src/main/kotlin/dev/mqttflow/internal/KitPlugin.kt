package dev.mqttflow.internal

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.MqttFlowPlugin
import dev.mqttflow.consumer.Consumer
import kotlinx.coroutines.CoroutineDispatcher

/**
 * What a test of the test kit (mqttflow-test) asks of the plugins on the classpath: the
 * database URL it was given (null: none) under the name of the option that gave it, for error
 * messages, and the dispatcher blocking work must run on so that time stays virtual.
 */
@InternalMqttFlowApi
public class KitPluginSettings(
    /** The database the test asked for, or null. */
    public val databaseUrl: String?,
    /** How the test kit's user wrote [databaseUrl] (`consumerTest(databaseUrl)`), for error messages. */
    public val databaseOption: String,
    /** The test's dispatcher: a plugin's blocking work (JDBC, say) must run there. */
    public val ioDispatcher: CoroutineDispatcher,
)

/**
 * A plugin that runs differently in a kit test: the kit, which finds plugins with
 * [MqttFlowPlugin.installed] as a production run does, asks it for the plugin of one test instead
 * of using it as found. mqttflow-exposed's `DatabasePlugin` is one: in a test its database is
 * private and in memory, its JDBC work on the test's dispatcher.
 */
@InternalMqttFlowApi
public interface KitAwarePlugin : MqttFlowPlugin {
    /** Whether this plugin serves [KitPluginSettings.databaseUrl]. */
    public val providesDatabase: Boolean get() = false

    /**
     * This plugin as one test of [consumers] runs it, or null when the test needs nothing of it.
     * The returned plugin's `close` releases everything it opened.
     */
    public fun forKit(consumers: List<Consumer>, settings: KitPluginSettings): MqttFlowPlugin?
}
