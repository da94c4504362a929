package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer

/**
 * The one place where the runtime's plugins prepare consumers (create the tables they declare,
 * say): before a consumer's first worker starts.
 */
internal suspend fun Runtime.beforeStart(consumers: List<Consumer>) {
    for (plugin in plugins) plugin.beforeStart(consumers, scope.coroutineContext)
}
