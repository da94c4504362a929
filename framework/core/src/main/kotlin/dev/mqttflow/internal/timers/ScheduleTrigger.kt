package dev.mqttflow.internal.timers

import dev.mqttflow.automation.MisfirePolicy
import dev.mqttflow.automation.Timer
import dev.mqttflow.automation.schedule.Location
import dev.mqttflow.automation.schedule.Schedule
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.ScheduleException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.serialization.builtins.serializer
import org.slf4j.LoggerFactory
import java.time.ZoneId
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlin.time.Instant

/**
 * Where the runtime's time triggers read wall-clock time and the sun: `MqttFlowConfig.zone` and
 * `.location`, in every worker's coroutine context.
 */
internal class SchedulePlace(val zone: ZoneId, val location: Location?) : AbstractCoroutineContextElement(Key) {
    companion object Key : CoroutineContext.Key<SchedulePlace>
}

/**
 * A time trigger (`daily("07:00") { … }`) of consumer [consumer]: a durable [timer] with one key,
 * armed for the schedule's next occurrence when a worker starts and again after each firing.
 *
 * The stored row is the next due run, so a run missed while the process was down is restored like
 * any timer and [MisfirePolicy] decides whether it still fires (once: the next one is computed from
 * the time it fired, not from the missed deadline, so a long outage is not replayed run by run).
 * The body runs first and the next run is armed after it (also after it threw): a process killed
 * mid-body runs it again at the next start, as timers do (at-least-once).
 */
internal class ScheduleTrigger(
    private val consumer: String,
    /** How the user wrote it, for logs and errors: `daily("07:00", MON-FRI)`. */
    val what: String,
    private val schedule: Schedule,
    /** Whether the schedule needs a location (sunrise, sunset). */
    val needsLocation: Boolean,
    name: String,
    misfire: MisfirePolicy,
    private val body: suspend ConsumerContext.() -> Unit,
) {
    /** The argument is the deadline that fired (epoch ms): the next run is computed after it even if the clock lags. */
    val timer: Timer<Long> = Timer(name, Long.serializer(), misfire) { due ->
        fire(this, Instant.fromEpochMilliseconds(due))
    }

    /** At each worker start, after the stored timers were restored: arms the next run unless a missed one fires now. */
    suspend fun start(context: ConsumerContext) {
        val now = context.clock.now()
        val pending = timer.pending(KEY)
        if (pending != null && pending <= now) return // a missed run its misfire policy lets fire
        val next = next(now)
        when {
            next == null -> {
                if (pending != null) timer.cancel(KEY)
                log.warn("consumer '{}': {} never fires again", consumer, what)
            }

            next != pending -> timer.at(KEY, next, next.toEpochMilliseconds())
        }
    }

    private suspend fun fire(context: ConsumerContext, due: Instant) {
        try {
            context.body()
        } catch (e: CancellationException) {
            // The worker stopping: the row stays and the run is restored at the next start.
            if (currentCoroutineContext().isActive) armAfter(context, due)
            throw e
        } catch (@Suppress("TooGenericExceptionCaught") e: Exception) { // logged by the worker; the schedule goes on
            armAfter(context, due)
            throw e
        }
        armAfter(context, due)
    }

    private suspend fun armAfter(context: ConsumerContext, due: Instant) {
        val next = next(maxOf(due, context.clock.now())) ?: return
        timer.at(KEY, next, next.toEpochMilliseconds())
    }

    private suspend fun next(after: Instant): Instant? {
        val place = currentCoroutineContext()[SchedulePlace] ?: SchedulePlace(ZoneId.systemDefault(), null)
        return schedule.next(after, place.zone, place.location)
    }

    override fun toString(): String = "$what on '$consumer'"

    companion object {
        private val log = LoggerFactory.getLogger("mqttflow.timers")
        private const val KEY = "next"
    }
}

/** A consumer with time triggers, checked before it starts (see [checkSchedules]). */
internal interface DeclaresSchedules {
    val schedules: List<ScheduleTrigger>
}

/**
 * Refuses to start [consumers] whose sun triggers have no [location], naming the consumer and the
 * trigger, before anything connects (the CLI says which options give one).
 */
internal fun checkSchedules(consumers: List<Consumer>, location: Location?) {
    if (location != null) return
    for (consumer in consumers) {
        val sun = (consumer as? DeclaresSchedules)?.schedules.orEmpty().firstOrNull { it.needsLocation } ?: continue
        throw ConfigException(
            LOCATION,
            "consumer '${consumer.name}' has ${sun.what}, which needs a location (latitude and longitude); none is set",
            ScheduleException(sun.what, "needs a location"),
        )
    }
}

/** The [ConfigException.option] of a missing location: `MqttFlowConfig.location`. */
internal const val LOCATION = "location"
