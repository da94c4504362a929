package dev.mqttflow.automation

import kotlin.coroutines.CoroutineContext
import kotlin.time.Instant

/**
 * Where durable timers and stored state live: one row per armed timer, one per stored value, each
 * owned by a worker (its name, as in logs: `lights`, `room@3`).
 *
 * The runtime finds it in its coroutine context ([Key]): with a database, the Exposed
 * implementation of `dev.mqttflow.database` (SQLite by default, `--db-url`); without one, an
 * [InMemoryAutomationStore] that lives as long as the runtime (the test kit keeps one across
 * `restart()`). Implementations must be safe to call from several workers at once; each call is
 * durable when it returns.
 */
public interface AutomationStore : CoroutineContext.Element {
    override val key: CoroutineContext.Key<*> get() = Key

    /** Stores [timer], replacing the row with the same owner, timer name and key. */
    public suspend fun saveTimer(timer: StoredTimer)

    /** Deletes the timer row of [owner], [timer] and [key], if there is one. */
    public suspend fun deleteTimer(owner: String, timer: String, key: String)

    /** Every timer row of [owner]. */
    public suspend fun timers(owner: String): List<StoredTimer>

    /** Stores [json] under [key] in [owner]'s store [store], replacing any value there. */
    public suspend fun putValue(owner: String, store: String, key: String, json: String)

    /** The JSON stored under [key] in [owner]'s store [store], or null. */
    public suspend fun value(owner: String, store: String, key: String): String?

    /** Removes [key] from [owner]'s store [store]. */
    public suspend fun removeValue(owner: String, store: String, key: String)

    /** The keys of [owner]'s store [store], sorted. */
    public suspend fun keys(owner: String, store: String): List<String>

    /** The key under which a store sits in a coroutine context. */
    public companion object Key : CoroutineContext.Key<AutomationStore>
}

/** One armed timer as stored: due at [deadline], its body then gets [argument] (JSON). */
public data class StoredTimer(
    /** The worker that armed it. */
    val owner: String,
    /** The timer's declared name. */
    val timer: String,
    /** The key it was armed for (a room, say). */
    val key: String,
    val deadline: Instant,
    /** The body's argument, encoded with the timer's serializer. */
    val argument: String,
)
