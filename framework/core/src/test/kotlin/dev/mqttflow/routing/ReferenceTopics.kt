package dev.mqttflow.routing

/**
 * MQTT 5 section 4.7 written the obvious way (split into levels, compare lists), as the oracle for
 * fuzzing [Topics] and [TopicTrie]: slow, short, and sharing no code with them.
 */
object ReferenceTopics {
    private const val MAX_BYTES = 65_535
    private const val SHARE = "\$share/"

    fun isValidTopic(topic: String): Boolean = topic.isNotEmpty() && '+' !in topic && '#' !in topic && encodable(topic)

    fun isValidFilter(filter: String): Boolean {
        if (filter.isEmpty() || !encodable(filter)) return false
        if (!filter.startsWith(SHARE)) return levelsValid(filter)
        val rest = filter.removePrefix(SHARE)
        val slash = rest.indexOf('/')
        if (slash < 0) return false
        val group = rest.substring(0, slash)
        val inner = rest.substring(slash + 1)
        return group.isNotEmpty() && '+' !in group && '#' !in group && inner.isNotEmpty() && levelsValid(inner)
    }

    fun matches(filter: String, topic: String): Boolean {
        val f = stripShare(filter).split('/')
        val t = topic.split('/')
        if (topic.startsWith('$') && (f[0] == "+" || f[0] == "#")) return false
        for (i in f.indices) {
            if (f[i] == "#") return true
            if (i >= t.size || (f[i] != "+" && f[i] != t[i])) return false
        }
        return f.size == t.size
    }

    fun stripShare(filter: String): String {
        if (!filter.startsWith(SHARE)) return filter
        val rest = filter.removePrefix(SHARE)
        val slash = rest.indexOf('/')
        return if (slash < 0) filter else rest.substring(slash + 1)
    }

    private fun levelsValid(filter: String): Boolean {
        val levels = filter.split('/')
        return levels.withIndex().all { (i, level) ->
            when {
                level == "#" -> i == levels.size - 1
                level == "+" -> true
                else -> '+' !in level && '#' !in level
            }
        }
    }

    private fun encodable(s: String): Boolean {
        if ('\u0000' in s) return false
        val encoder = Charsets.UTF_8.newEncoder()
        if (!encoder.canEncode(s)) return false
        return s.toByteArray(Charsets.UTF_8).size <= MAX_BYTES
    }
}
