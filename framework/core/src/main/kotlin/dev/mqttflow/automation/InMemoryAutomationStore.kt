package dev.mqttflow.automation

import java.util.concurrent.ConcurrentHashMap

/**
 * An [AutomationStore] in memory: what the runtime uses without a database, and the test kit's
 * default (kept across `restart()`, gone with the test). Nothing here survives the process.
 */
public class InMemoryAutomationStore : AutomationStore {
    private val timerRows = ConcurrentHashMap<Triple<String, String, String>, StoredTimer>()
    private val values = ConcurrentHashMap<Triple<String, String, String>, String>()

    override suspend fun saveTimer(timer: StoredTimer) {
        timerRows[Triple(timer.owner, timer.timer, timer.key)] = timer
    }

    override suspend fun deleteTimer(owner: String, timer: String, key: String) {
        timerRows.remove(Triple(owner, timer, key))
    }

    override suspend fun timers(owner: String): List<StoredTimer> =
        timerRows.values.filter { it.owner == owner }.sortedWith(compareBy({ it.deadline }, { it.timer }, { it.key }))

    override suspend fun putValue(owner: String, store: String, key: String, json: String) {
        values[Triple(owner, store, key)] = json
    }

    override suspend fun value(owner: String, store: String, key: String): String? = values[Triple(owner, store, key)]

    override suspend fun removeValue(owner: String, store: String, key: String) {
        values.remove(Triple(owner, store, key))
    }

    override suspend fun keys(owner: String, store: String): List<String> =
        values.keys.filter { it.first == owner && it.second == store }.map { it.third }.sorted()

    override fun toString(): String = "InMemoryAutomationStore(${timerRows.size} timer(s), ${values.size} value(s))"
}
