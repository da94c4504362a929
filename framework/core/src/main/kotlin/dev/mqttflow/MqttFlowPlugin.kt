package dev.mqttflow

import dev.mqttflow.consumer.Consumer
import java.util.ServiceLoader
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext

/**
 * Extends a run of [MqttFlow] (and of the test kit) with what a module outside mqttflow-core
 * brings: mqttflow-exposed's database is one. A plugin contributes coroutine context elements that
 * every worker inherits (a handler finds them with `coroutineContext[Key]`) and a step before each
 * consumer's first worker starts (creating the tables it declares, say).
 *
 * Plugins on the classpath are found with [ServiceLoader] (`META-INF/services/dev.mqttflow.MqttFlowPlugin`,
 * a public no-argument constructor): adding mqttflow-exposed to a build is all a consumer that
 * declares tables needs. A plugin passed to [MqttFlow] replaces a found one of the same class.
 *
 * Implementations must not keep state of one run: [open] and [close] of two runs may interleave.
 */
public interface MqttFlowPlugin {
    /**
     * Called once when the flow starts, before it connects, with the consumers it starts with;
     * returns the context elements every worker inherits.
     */
    public suspend fun open(consumers: List<Consumer>): CoroutineContext = EmptyCoroutineContext

    /**
     * Called before the first worker of each of [consumers] starts (at start, and for consumers
     * started or spawned later), with the run's [context]. Throwing refuses them.
     */
    public suspend fun beforeStart(consumers: List<Consumer>, context: CoroutineContext) {}

    /** Called once after the flow stopped, with the [context] [open] returned: release what it opened. */
    public suspend fun close(context: CoroutineContext) {}

    public companion object {
        /** The plugins on the classpath, each a new instance. */
        @JvmStatic
        public fun installed(): List<MqttFlowPlugin> =
            ServiceLoader.load(MqttFlowPlugin::class.java, MqttFlowPlugin::class.java.classLoader).toList()

        /** [installed] plugins, less those of the same class as one of [explicit], then [explicit]. */
        @JvmStatic
        public fun resolve(explicit: List<MqttFlowPlugin>): List<MqttFlowPlugin> {
            val classes = explicit.map { it.javaClass }.toSet()
            return installed().filter { it.javaClass !in classes } + explicit
        }
    }
}
