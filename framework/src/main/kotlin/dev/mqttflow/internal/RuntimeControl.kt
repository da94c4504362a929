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

    override suspend fun start(consumer: Consumer): String = lock.withLock {
        val taken = masters().mapTo(HashSet()) { it.name }
        var name = consumer.name
        var n = 1
        while (name in taken) name = "${consumer.name}#${++n}"
        runtime.supervisor.createTablesOf(consumer) // as MqttFlow.run does for the first consumers
        runtime.newWorker(WorkerSpec(consumer, 0, Worker.MASTER, emptyMap(), name = name)).start()
        log.info("consumer '{}' started", name)
        name
    }

    override suspend fun stop(workerName: String): Boolean = lock.withLock {
        val worker = masters().firstOrNull { it.name == workerName } ?: return@withLock false
        runtime.stopAndRelease(worker)
        log.info("consumer '{}' stopped", workerName)
        true
    }

    private fun masters(): List<Worker> = runtime.workers().filter { it.isMaster }
}
