package dev.mqttflow.internal

import dev.mqttflow.routing.Topics

/**
 * Instance groups (issue 18): how a consumer's filter is sent to the broker when the process
 * belongs to a group. Routing inside the process always matches the bare filter
 * ([Topics.matchPart] strips the prefix again).
 */
internal object ShareGroups {
    /** What is wrong with [name] as a share name (MQTT 5 §4.8.2), or null. */
    fun problem(name: String): String? = when {
        name.isEmpty() -> "a share name must not be empty"
        name.any { it == '/' || it == '+' || it == '#' } -> "a share name must not contain '/', '+' or '#'"
        else -> null
    }

    /**
     * The filter the broker hears: `$share/{group}/{filter}` for a [shared] subscription of a
     * process in [group]; [filter] itself without a group, for `shared = false`, and for a filter
     * that already is a shared subscription.
     */
    fun brokerFilter(group: String?, filter: String, shared: Boolean): String =
        if (group == null || !shared || filter.startsWith(Topics.SHARE_PREFIX)) {
            filter
        } else {
            "${Topics.SHARE_PREFIX}$group/$filter"
        }

    /**
     * Whether a message can reach both [a] and [b] (broker filters, shared or not). Exact for a
     * wildcard-free side; two wildcard filters count as overlapping when their first levels agree.
     */
    fun overlap(a: String, b: String): Boolean {
        val x = Topics.matchPart(a)
        val y = Topics.matchPart(b)
        return when {
            !hasWildcard(x) -> Topics.matches(y, x)
            !hasWildcard(y) -> Topics.matches(x, y)
            else -> firstLevelsMeet(firstLevel(x), firstLevel(y))
        }
    }

    private fun firstLevelsMeet(a: String, b: String) = a == b || isWildcard(a) || isWildcard(b)

    private fun isWildcard(level: String) = level == "+" || level == "#"

    private fun hasWildcard(f: String) = f.any { it == '+' || it == '#' }

    private fun firstLevel(f: String) = f.substringBefore('/')
}
