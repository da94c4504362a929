package dev.mqttflow.dsl

import dev.mqttflow.automation.DeclaresTimers
import dev.mqttflow.automation.Timer
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.HasExtras
import dev.mqttflow.internal.ModalRoute
import dev.mqttflow.internal.ModalRoutes
import dev.mqttflow.internal.timers.DeclaresSchedules
import dev.mqttflow.internal.timers.ScheduleTrigger
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Message
import dev.mqttflow.worker.RetryPolicy
import dev.mqttflow.worker.WorkerFailure
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap

/** The [Consumer] a [ConsumerBuilder] describes. */
internal class DslConsumer(
    override val name: String,
    private val connect: LifecycleHandler?,
    private val disconnect: LifecycleHandler?,
    private val routes: List<Route>,
    private val fallback: MessageHandler?,
    private val layerHandlers: Map<String, LayerHandler>,
    private val failure: FailureHandler?,
    override val extras: List<Any> = emptyList(),
    override val onFailure: RetryPolicy? = null,
    private val automation: Automation = Automation(name),
) : Consumer,
    HasExtras,
    DeclaresTimers,
    DeclaresSchedules,
    ModalRoutes {
    override val timers: List<Timer<*>> = automation.timers
    override val schedules: List<ScheduleTrigger> = automation.schedules
    override val storesValues: Boolean get() = automation.storesValues

    private val log = LoggerFactory.getLogger("mqttflow.dsl")
    private val unhandled = ConcurrentHashMap.newKeySet<String>()

    private val modal = routes.any { it.mode != RouteMode.Queued }

    override val hasModalRoutes: Boolean get() = modal

    override suspend fun onConnect(context: ConsumerContext) {
        automation.onConnect(context)
        subscribeRoutes(context)
        connect?.invoke(context)
    }

    /** `onMessage(pattern, qos = …)` routes subscribe their filters (parameters fixed) before `onConnect` runs. */
    private suspend fun subscribeRoutes(context: ConsumerContext) {
        val filters = LinkedHashMap<String, Int>()
        for (route in routes) {
            val qos = route.qos ?: continue
            val filter = route.pattern.filterFor(context.params)
            filters[filter] = maxOf(qos, filters[filter] ?: 0)
        }
        for ((filter, qos) in filters) context.subscribe(filter, qos)
    }

    override fun modalRoute(message: Message, params: Map<String, Any?>): ModalRoute? {
        for (route in routes) {
            val vars = route.pattern.match(message.topic, params) ?: continue
            return route.modal(if (vars.isEmpty()) message else message.withVars(vars))
        }
        return null
    }

    override suspend fun onMessage(context: ConsumerContext, message: Message) {
        val isState = automation.onMessage(context, message)
        for (route in routes) {
            val vars = route.pattern.match(message.topic, context.params) ?: continue
            route.handler(context, if (vars.isEmpty()) message else message.withVars(vars))
            return
        }
        val handler = fallback
        if (handler != null) {
            handler(context, message)
        } else if (!isState && unhandled.size < MAX_REMEMBERED && unhandled.add(message.topic)) {
            log.warn(
                "consumer '{}': no onMessage handler matches topic '{}' (patterns: {}); such messages are skipped",
                name,
                message.topic,
                routes.joinToString { it.pattern.pattern },
            )
        }
    }

    override suspend fun onDisconnect(context: ConsumerContext) {
        disconnect?.invoke(context)
    }

    override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean {
        val handler = layerHandlers[message.type] ?: return false
        handler(context, message)
        return true
    }

    override suspend fun onWorkerFailure(context: ConsumerContext, failure: WorkerFailure) {
        this.failure?.invoke(context, failure)
    }

    override fun toString(): String = "mqttConsumer($name)"

    private companion object {
        const val MAX_REMEMBERED = 1000
    }
}
