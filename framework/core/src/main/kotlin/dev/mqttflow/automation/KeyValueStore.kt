package dev.mqttflow.automation

import dev.mqttflow.internal.timers.TimerEngine
import kotlinx.serialization.KSerializer
import kotlinx.serialization.json.Json
import kotlinx.serialization.serializer

/**
 * Stored state, typed: values encoded as JSON (kotlinx.serialization) in the runtime's
 * [AutomationStore] under the worker's name and this store's [name] — the database when the runtime
 * has one, so they survive restarts and `--watch` reloads.
 *
 * ```kotlin
 * val presses = kv("presses")                      // in mqttConsumer { }
 * onMessage("home/button") { presses.put("count", (presses.get<Int>("count") ?: 0) + 1) }
 * ```
 *
 * Call it from the handlers and timer bodies of a consumer (each worker has its own values);
 * elsewhere it throws [IllegalStateException]. Each call is one store round trip.
 */
public class KeyValueStore(
    /** The store's name within its consumer. */
    public val name: String,
) {
    init {
        require(name.isNotBlank()) { "a kv store needs a name" }
    }

    /** The value under [key] decoded as [T], or null when there is none. */
    public suspend inline fun <reified T> get(key: String): T? = get(key, serializer<T>())

    /** Stores [value] under [key]. */
    public suspend inline fun <reified T> put(key: String, value: T) {
        put(key, value, serializer<T>())
    }

    /** The value under [key] decoded with [serializer], or null; a value that no longer decodes throws naming it. */
    public suspend fun <T> get(key: String, serializer: KSerializer<T>): T? {
        val (owner, store) = where()
        val json = store.value(owner, name, key) ?: return null
        return try {
            Json.decodeFromString(serializer, json)
        } catch (e: IllegalArgumentException) {
            val type = serializer.descriptor.serialName
            throw IllegalStateException("kv '$name': the value of '$key' ($json) is not a $type", e)
        }
    }

    /** Stores [value] under [key], encoded with [serializer]. */
    public suspend fun <T> put(key: String, value: T, serializer: KSerializer<T>) {
        val (owner, store) = where()
        store.putValue(owner, name, key, Json.encodeToString(serializer, value))
    }

    /** Removes [key]. */
    public suspend fun remove(key: String) {
        val (owner, store) = where()
        store.removeValue(owner, name, key)
    }

    /** Every key, sorted. */
    public suspend fun keys(): List<String> {
        val (owner, store) = where()
        return store.keys(owner, name)
    }

    private suspend fun where(): Pair<String, AutomationStore> = TimerEngine.owner("kv '$name'")

    override fun toString(): String = "KeyValueStore($name)"
}
