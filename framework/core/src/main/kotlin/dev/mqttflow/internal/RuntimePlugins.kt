package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.internal.timers.SchedulePlace
import dev.mqttflow.internal.timers.checkSchedules

/**
 * The one place where the runtime's plugins prepare consumers (create the tables they declare,
 * say): before a consumer's first worker starts.
 */
internal suspend fun Runtime.beforeStart(consumers: List<Consumer>) {
    checkSchedules(consumers, config.location)
    for (plugin in plugins) plugin.beforeStart(consumers, scope.coroutineContext)
}

/** Where the workers' time triggers read wall-clock time and the sun (the configured zone and location). */
internal val Runtime.place: SchedulePlace get() = SchedulePlace(config.zone, config.location)
