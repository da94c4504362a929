package dev.mqttflow.routing

import dev.mqttflow.errors.InvalidTopicException

/**
 * MQTT topic names and topic filters: validation and one-off matching (MQTT 5, section 4.7).
 *
 * Levels are separated by `/`; an empty level is a real level, so `/finance` has two levels,
 * the first one empty. In a filter, `+` matches exactly one level and `#`, which must be the last
 * level, matches its parent level and every level below it. Topics that start with `$` are not
 * matched by a filter whose first level is a wildcard.
 *
 * ```
 * Topics.validateFilter("sensors/+/temperature")
 * Topics.matches("sensors/#", "sensors/kitchen/temperature") // true
 * Topics.matchPart("\$share/workers/jobs/#") // "jobs/#"
 * ```
 *
 * To match many filters against each topic, use [TopicTrie].
 */
public object Topics {
    /** The most UTF-8 bytes MQTT allows in a topic or a topic filter. */
    public const val MAX_LENGTH: Int = 65_535

    /** The prefix of a shared subscription, `$share/{group}/{filter}`. */
    public const val SHARE_PREFIX: String = "\$share/"

    private const val SINGLE_LEVEL = '+'
    private const val MULTI_LEVEL = '#'
    private const val SEPARATOR = '/'

    // UTF-8 sizes of a UTF-16 char: below 0x80 one byte, below 0x800 two, a surrogate pair four, else three.
    private const val ONE_BYTE_LIMIT = 0x80
    private const val TWO_BYTE_LIMIT = 0x800
    private const val SURROGATE_PAIR_BYTES = 4
    private const val OTHER_CHAR_BYTES = 3

    /**
     * Checks that [filter] is a topic filter MQTT accepts for a subscription, including the
     * shared form `$share/{group}/{filter}`.
     *
     * @throws InvalidTopicException naming the filter and what is wrong with it.
     */
    public fun validateFilter(filter: String) {
        val problem = when {
            filter.isEmpty() -> "a topic filter must not be empty"
            filter.startsWith(SHARE_PREFIX) -> encodingProblem(filter) ?: sharedFilterProblem(filter)
            else -> encodingProblem(filter) ?: wildcardProblem(filter, 0)
        }
        if (problem != null) throw InvalidTopicException(filter, problem)
    }

    /**
     * Checks that [topic] is a topic name a message can be published to: not empty, no
     * wildcards, at most [MAX_LENGTH] UTF-8 bytes, no NUL character.
     *
     * @throws InvalidTopicException naming the topic and what is wrong with it.
     */
    public fun validateTopic(topic: String) {
        val problem = when {
            topic.isEmpty() -> "a topic must not be empty"
            topic.any { it == SINGLE_LEVEL || it == MULTI_LEVEL } -> "wildcards are not allowed in a publish topic"
            else -> encodingProblem(topic)
        }
        if (problem != null) throw InvalidTopicException(topic, problem)
    }

    /**
     * The part of [filter] that is matched against topics: `f` for `$share/{group}/f`,
     * otherwise [filter] itself. Strip shared filters with this before adding them to a [TopicTrie].
     *
     * A malformed shared filter without a group separator (`$share/g`) is returned unchanged;
     * run [validateFilter] first.
     */
    public fun matchPart(filter: String): String {
        if (!filter.startsWith(SHARE_PREFIX)) return filter
        val groupEnd = filter.indexOf(SEPARATOR, SHARE_PREFIX.length)
        return if (groupEnd < 0) filter else filter.substring(groupEnd + 1)
    }

    /**
     * Whether [topic] matches [filter] under MQTT rules; a `$share/{group}/` prefix on [filter]
     * is ignored. The inputs are not validated (see [validateFilter] and [validateTopic]); a
     * wildcard character that does not occupy a whole level is compared literally.
     *
     * Meant for one-off checks and tests; to route against many filters use [TopicTrie].
     */
    public fun matches(filter: String, topic: String): Boolean {
        val f = matchPart(filter)
        if (topic.startsWith('$') && firstLevelIsWildcard(f)) return false
        var fi = 0 // start of the current filter level, -1 past the last one
        var ti = 0 // start of the current topic level, -1 past the last one
        while (fi >= 0) {
            val fEnd = levelEnd(f, fi)
            val wildcard = if (fEnd - fi == 1) f[fi] else SEPARATOR // the separator: no wildcard
            if (wildcard == MULTI_LEVEL) return true
            val tEnd = if (ti < 0) -1 else levelEnd(topic, ti)
            if (ti < 0 || (wildcard != SINGLE_LEVEL && !sameLevel(f, fi, fEnd, topic, ti, tEnd))) return false
            fi = if (fEnd < f.length) fEnd + 1 else -1
            ti = if (tEnd < topic.length) tEnd + 1 else -1
        }
        return ti < 0
    }

    private fun levelEnd(s: String, start: Int): Int {
        val end = s.indexOf(SEPARATOR, start)
        return if (end < 0) s.length else end
    }

    private fun firstLevelIsWildcard(filter: String): Boolean =
        levelEnd(filter, 0) == 1 && (filter[0] == SINGLE_LEVEL || filter[0] == MULTI_LEVEL)

    private fun sameLevel(a: String, aStart: Int, aEnd: Int, b: String, bStart: Int, bEnd: Int): Boolean =
        aEnd - aStart == bEnd - bStart && a.regionMatches(aStart, b, bStart, aEnd - aStart)

    /** NUL, unpaired surrogates (not encodable as UTF-8) and inputs over [MAX_LENGTH] bytes. */
    private fun encodingProblem(input: String): String? {
        var bytes = 0
        var i = 0
        while (i < input.length) {
            val c = input[i]
            if (c == '\u0000') return "must not contain the NUL character (U+0000)"
            if (c.isSurrogate()) {
                val paired = c.isHighSurrogate() && i + 1 < input.length && input[i + 1].isLowSurrogate()
                if (!paired) return "contains an unpaired UTF-16 surrogate at index $i, which is not valid UTF-8"
                bytes += SURROGATE_PAIR_BYTES
                i += 2
                continue
            }
            bytes += when {
                c.code < ONE_BYTE_LIMIT -> 1
                c.code < TWO_BYTE_LIMIT -> 2
                else -> OTHER_CHAR_BYTES
            }
            i++
        }
        return if (bytes > MAX_LENGTH) "is $bytes bytes long in UTF-8; the limit is $MAX_LENGTH bytes" else null
    }

    /** What is wrong with `$share/{group}/{filter}`, or null. */
    private fun sharedFilterProblem(filter: String): String? {
        val groupEnd = filter.indexOf(SEPARATOR, SHARE_PREFIX.length)
        val group = if (groupEnd < 0) null else filter.substring(SHARE_PREFIX.length, groupEnd)
        return when {
            group == null -> "a shared subscription must have the form '\$share/{group}/{filter}'"
            group.isEmpty() -> "the share group of a shared subscription must not be empty"
            group.any { it == SINGLE_LEVEL || it == MULTI_LEVEL } -> "the share group must not contain '/', '+' or '#'"
            groupEnd == filter.length - 1 -> "a shared subscription needs a topic filter after '\$share/{group}/'"
            else -> wildcardProblem(filter, groupEnd + 1)
        }
    }

    /** What is wrong with the wildcards in [filter] from [start] on (each alone in its level, `#` last), or null. */
    private fun wildcardProblem(filter: String, start: Int): String? {
        for (i in start until filter.length) {
            val c = filter[i]
            if (c != SINGLE_LEVEL && c != MULTI_LEVEL) continue
            val aloneBefore = i == start || filter[i - 1] == SEPARATOR
            val aloneAfter = i == filter.length - 1 || filter[i + 1] == SEPARATOR
            if (!aloneBefore || !aloneAfter) return "'$c' must occupy a whole level"
            if (c == MULTI_LEVEL && i != filter.length - 1) return "'#' must be the last level"
        }
        return null
    }
}
