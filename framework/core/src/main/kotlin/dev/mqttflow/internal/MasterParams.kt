package dev.mqttflow.internal

import org.slf4j.LoggerFactory
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The params of a master that was started with none: empty, and it warns once when a handler reads
 * a param from it — the sign of a consumer meant to be spawned per room (`params["room"]`) that is
 * also running as a master, where `home/${params["room"]}/#` would be `home/null/#`.
 * `isEmpty()`, `size` and iterating do not warn: the framework itself asks those.
 */
internal class MasterParams(private val worker: String) : AbstractMap<String, Any?>() {
    private val warned = AtomicBoolean(false)

    override val entries: Set<Map.Entry<String, Any?>> get() = emptySet()

    override fun get(key: String): Any? {
        read(key)
        return null
    }

    override fun containsKey(key: String): Boolean {
        read(key)
        return false
    }

    private fun read(key: String) {
        if (!warned.compareAndSet(false, true)) return
        LoggerFactory.getLogger("mqttflow.worker").warn(
            "worker '{}' runs as a master and has no params, but reads params[\"{}\"] (null): if it is meant " +
                "to be spawned per instance, declare it with workerTemplate(…) in a script (or keep it out of " +
                "the consumers you run) and spawn it with spawnWorker(appId, it, params)",
            worker,
            key.forLog(),
        )
    }
}
