package dev.mqttflow.dsl

import dev.mqttflow.automation.MisfirePolicy
import dev.mqttflow.automation.schedule.EVERY_DAY
import dev.mqttflow.automation.schedule.Schedule
import dev.mqttflow.automation.schedule.WEEKDAYS
import dev.mqttflow.automation.schedule.WEEKENDS
import dev.mqttflow.internal.timers.ScheduleTrigger
import java.time.DayOfWeek
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes

/**
 * What a time trigger does with a run missed while the process was down, unless told otherwise:
 * it still fires if at most 5 minutes late (a restart, a `--watch` save), else it is skipped and
 * the next run comes at its time. A 07:00 wake-up scene at 15:00 is wrong; one at 07:01 is fine.
 */
public val SCHEDULE_MISFIRE: MisfirePolicy = MisfirePolicy.FireIfLateBy(5.minutes)

/**
 * Runs [body] every [period], at whole multiples of it since the Unix epoch (UTC):
 * `every(15.minutes)` fires at :00, :15, :30 and :45, through DST changes and across restarts.
 *
 * Like every time trigger it is a durable timer on this consumer (named [name]; by default from
 * the schedule): the firing goes through the worker's inbox, one at a time with its handlers, and
 * a run missed while the process was down follows [misfire] (see [SCHEDULE_MISFIRE]).
 */
public fun ConsumerBuilder.every(
    period: Duration,
    name: String? = null,
    misfire: MisfirePolicy = SCHEDULE_MISFIRE,
    body: LifecycleHandler,
) {
    trigger("every($period)", Schedule.every(period), name, misfire, body)
}

/**
 * Runs [body] at local [time] (`"07:00"`, `"07:00:30"`) on each of [days] (`WEEKDAYS`, `WEEKENDS`,
 * `EVERY_DAY` or any set) in the configured zone (`MqttFlowConfig.zone`). On a spring-forward day a
 * time in the gap fires once, moved forward by the gap; on a fall-back day a repeated time fires
 * once, at its first occurrence. See [every] for how it is stored.
 *
 * ```kotlin
 * daily("07:00", days = WEEKDAYS) { publish("home/scene/set", "wake-up", qos = 1) }
 * ```
 */
public fun ConsumerBuilder.daily(
    time: String,
    days: Set<DayOfWeek> = EVERY_DAY,
    name: String? = null,
    misfire: MisfirePolicy = SCHEDULE_MISFIRE,
    body: LifecycleHandler,
) {
    trigger("daily(\"$time\", ${dayNames(days)})", Schedule.daily(time, days), name, misfire, body)
}

/**
 * Runs [body] when the five-field cron [expression] (`minute hour day-of-month month day-of-week`)
 * matches local time in the configured zone: `cron("0 7 * * 1-5")`. A bad expression throws
 * [dev.mqttflow.errors.ScheduleException] naming it (in a script, at the line that declares it).
 * See [Schedule.cron] for the syntax and [every] for how it is stored.
 */
public fun ConsumerBuilder.cron(
    expression: String,
    name: String? = null,
    misfire: MisfirePolicy = SCHEDULE_MISFIRE,
    body: LifecycleHandler,
) {
    trigger("cron(\"$expression\")", Schedule.cron(expression), name, misfire, body)
}

/**
 * Runs [body] at sunrise plus [offset] (negative: before) at the configured location
 * (`MqttFlowConfig.location`); a consumer with a sun trigger and no location does not start.
 * Days without a sunrise (polar night) are skipped. See [every] for how it is stored.
 */
public fun ConsumerBuilder.atSunrise(
    offset: Duration = Duration.ZERO,
    name: String? = null,
    misfire: MisfirePolicy = SCHEDULE_MISFIRE,
    body: LifecycleHandler,
) {
    trigger(sunWhat("atSunrise", offset), Schedule.sunrise(offset), name, misfire, body, needsLocation = true)
}

/** Runs [body] at sunset plus [offset] (negative: before); see [atSunrise]. */
public fun ConsumerBuilder.atSunset(
    offset: Duration = Duration.ZERO,
    name: String? = null,
    misfire: MisfirePolicy = SCHEDULE_MISFIRE,
    body: LifecycleHandler,
) {
    trigger(sunWhat("atSunset", offset), Schedule.sunset(offset), name, misfire, body, needsLocation = true)
}

/**
 * Runs [body] on any [schedule] (your own [Schedule] implementation, say), under the timer name
 * [name]; [needsLocation] makes the consumer refuse to start without a configured location.
 */
public fun ConsumerBuilder.onSchedule(
    schedule: Schedule,
    name: String,
    misfire: MisfirePolicy = SCHEDULE_MISFIRE,
    needsLocation: Boolean = false,
    body: LifecycleHandler,
) {
    trigger("onSchedule(\"$name\")", schedule, name, misfire, body, needsLocation)
}

@Suppress("LongParameterList") // the public functions' parameters, passed through
private fun ConsumerBuilder.trigger(
    what: String,
    schedule: Schedule,
    name: String?,
    misfire: MisfirePolicy,
    body: LifecycleHandler,
    needsLocation: Boolean = false,
) {
    val timerName = name ?: defaultName(what)
    require(timerName.isNotBlank()) { "$what: a trigger's name must not be blank" }
    val handler = sited(automation.consumer, what, body)
    val consumer = automation.consumer
    automation.schedule(ScheduleTrigger(consumer, what, schedule, needsLocation, timerName, misfire, handler))
}

/** `schedule:daily("07:00", MON-FRI)`, with `#2`, `#3` … for the same schedule declared again. */
private fun ConsumerBuilder.defaultName(what: String): String {
    val same = automation.triggersLike(what)
    return "schedule:" + what.take(MAX_NAME) + if (same == 0) "" else "#${same + 1}"
}

private fun sunWhat(function: String, offset: Duration): String =
    if (offset == Duration.ZERO) "$function()" else "$function(offset = $offset)"

private fun dayNames(days: Set<DayOfWeek>): String = when (days) {
    EVERY_DAY -> "EVERY_DAY"
    WEEKDAYS -> "WEEKDAYS"
    WEEKENDS -> "WEEKENDS"
    else -> days.sorted().joinToString(",") { it.name.take(DAY_LETTERS) }
}

private const val MAX_NAME = 160
private const val DAY_LETTERS = 3
