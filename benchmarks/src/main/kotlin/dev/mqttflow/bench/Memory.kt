package dev.mqttflow.bench

/** One pair of runs: 1 worker and [workers] + 1 workers, each in a fresh JVM with the same flags. */
class MemoryResult(
    val workers: Int,
    val heapPerWorker: Double,
    val rssPerWorker: Double,
    val baseHeap: Long,
    val baseRss: Long,
    val subscribeMillis: Long,
)

/**
 * Figure 3: heap after GC and resident memory of idle mqttflow workers, each with one subscription
 * (`w/<i>`, QoS 1). The cost per worker is the difference between a run with one worker and a run
 * with [workers] more, divided by [workers]; both runs are fresh JVMs with the same flags.
 */
class MemoryFigure(private val port: Int, private val launcher: JavaLauncher, private val log: (String) -> Unit) {
    fun run(workers: Int, repetitions: Int): List<MemoryResult> = (1..repetitions).map { rep ->
        val base = measure(1)
        val many = measure(workers + 1)
        MemoryResult(
            workers = workers,
            heapPerWorker = (many.heap - base.heap).toDouble() / workers,
            rssPerWorker = (many.rss - base.rss).toDouble() / workers,
            baseHeap = base.heap,
            baseRss = base.rss,
            subscribeMillis = many.subscribeMillis,
        ).also {
            log(
                "  rep $rep: %.0f B heap, %.0f B RSS per worker; %d workers subscribed in %d ms".format(
                    it.heapPerWorker,
                    it.rssPerWorker,
                    workers + 1,
                    it.subscribeMillis,
                ),
            )
        }
    }

    private class Sample(val heap: Long, val rss: Long, val subscribeMillis: Long)

    private fun measure(workers: Int): Sample {
        launcher.node(listOf("memory", workers.toString(), port.toString())).use { node ->
            val (heap, rss, millis) = node.await("MEM", TIMEOUT_MS).map { it.toLong() }
            node.process.waitFor()
            return Sample(heap, rss, millis)
        }
    }

    private companion object {
        const val TIMEOUT_MS = 300_000L
    }
}
