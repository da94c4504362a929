package dev.mqttflow.internal

import dev.mqttflow.ConsumerControl
import dev.mqttflow.consumer.Consumer
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.slf4j.LoggerFactory

/** [ConsumerControl] over a started [Runtime]: top-level workers come and go one at a time. */
internal class RuntimeControl(private val runtime: Runtime) : ConsumerControl {
    private val log = LoggerFactory.getLogger("mqttflow.runtime")
    private val lock = Mutex()

    override fun running(): List<String> = masters().map { it.name }.sorted()

    override suspend fun start(consumer: Consumer): String = lock.withLock { startLocked(consumer, emptyList()) }

    private suspend fun startLocked(consumer: Consumer, carried: List<Work>): String {
        val name = uniqueName(consumer.name, masters().mapTo(HashSet()) { it.name })
        runtime.beforeStart(listOf(consumer))
        runtime.newWorker(WorkerSpec(consumer, 0, Worker.MASTER, emptyMap(), name = name), carried).start()
        log.info("consumer '{}' started", name)
        return name
    }

    override suspend fun stop(workerName: String): Boolean = lock.withLock {
        val worker = masters().firstOrNull { it.name == workerName } ?: return@withLock false
        runtime.stopAndRelease(worker, Leftovers.ACK)
        log.info("consumer '{}' stopped", workerName)
        true
    }

    override suspend fun replace(old: List<String>, consumers: List<Consumer>): List<String> = lock.withLock {
        val carried = LinkedHashMap<String, MutableList<Work>>()
        for (name in old) {
            val worker = masters().firstOrNull { it.name == name } ?: continue
            val left = runtime.stopAndRelease(worker, Leftovers.CARRY)
            carried.getOrPut(worker.consumer.name) { ArrayList() } += left
            log.info("consumer '{}' stopped", name)
        }
        val names = consumers.map { consumer ->
            val work = carried.remove(consumer.name).orEmpty()
            val holds = work.count { it is Delivery.Hold }
            if (holds > 0) log.info("handing {} queued message(s) to the new version of '{}'", holds, consumer.name)
            startLocked(consumer, work)
        }
        for ((name, work) in carried) {
            if (work.any { it is Delivery.Hold }) log.warn("the new version has no consumer '{}'", name)
            runtime.settle(name, work, Leftovers.ACK)
        }
        names
    }

    private fun masters(): List<Worker> = runtime.workers().filter { it.isMaster }
}
