package dev.mqttflow.bench

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.routing.TopicIndex
import kotlin.random.Random

/**
 * Filters and topics for figure 5, an IoT-like mix, deterministic for a given seed. Topics look like
 * `t{tenant}/s{site}/d{device}/{kind}`; the filters are
 * - 60 % exact (`t3/s7/d42/temp`),
 * - 15 % a `+` for the device (`t3/s7/+/temp`),
 * - 10 % a `+` for the kind (`t3/s7/d42/+`),
 * - 10 % a `#` under a site (`t3/s7/#`),
 * - 5 % a `+` for the site and a `#` (`t3/+/d42/#`).
 * Each filter belongs to one of [workers] workers (its value in the trie: one object per worker, as in
 * the runtime, where a worker's filters all hold the same `Worker`). Topics are drawn from the
 * same space, so some match many filters and many match none.
 */
@OptIn(InternalMqttFlowApi::class)
class RouterWorkload(filterCount: Int, topicCount: Int, seed: Long = 42, workers: Int = 10_000) {
    val filters: List<Pair<String, Int>>
    val topics: Array<String>
    val trie = TopicIndex<Int>()

    init {
        val random = Random(seed)
        // Enough tenants and sites that a filter set of this size stays mostly distinct.
        val tenants = (filterCount / SITES / DEVICES_PER_SITE_SHARE).coerceAtLeast(1)
        fun tenant() = "t" + random.nextInt(tenants)
        fun site() = "s" + random.nextInt(SITES)
        fun device() = "d" + random.nextInt(DEVICES)
        fun kind() = KINDS[random.nextInt(KINDS.size)]
        val holders = Array(workers) { Integer.valueOf(it) }
        filters = List(filterCount) { i ->
            val roll = random.nextInt(PERCENT)
            val filter = when {
                roll < EXACT -> "${tenant()}/${site()}/${device()}/${kind()}"
                roll < EXACT + PLUS_DEVICE -> "${tenant()}/${site()}/+/${kind()}"
                roll < EXACT + PLUS_DEVICE + PLUS_KIND -> "${tenant()}/${site()}/${device()}/+"
                roll < EXACT + PLUS_DEVICE + PLUS_KIND + HASH_SITE -> "${tenant()}/${site()}/#"
                else -> "${tenant()}/+/${device()}/#"
            }
            filter to holders[i % workers]
        }
        filters.forEach { (f, w) -> trie.add(f, w) }
        topics = Array(topicCount) { "${tenant()}/${site()}/${device()}/${kind()}" }
    }

    private companion object {
        const val SITES = 20
        const val DEVICES = 50
        const val DEVICES_PER_SITE_SHARE = 25
        const val PERCENT = 100
        const val EXACT = 60
        const val PLUS_DEVICE = 15
        const val PLUS_KIND = 10
        const val HASH_SITE = 10
        val KINDS = listOf("temp", "humidity", "status", "power")
    }
}
