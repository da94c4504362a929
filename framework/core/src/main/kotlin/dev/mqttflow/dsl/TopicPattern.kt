package dev.mqttflow.dsl

import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.routing.Topics

/**
 * A topic filter with named variables: `home/{room}/motion` is the filter `home/+/motion` whose
 * second level is called `room`; a last level `{path...}` is `#` and captures the rest of the
 * topic. Plain `+` and `#` work too, unnamed.
 */
public class TopicPattern(public val pattern: String) {
    private val names: List<String?>

    /** The MQTT filter this pattern stands for. */
    public val filter: String

    init {
        val levels = pattern.split('/')
        val parsed = levels.mapIndexed { i, level -> parseLevel(level, last = i == levels.lastIndex) }
        names = parsed.map { it.second }
        filter = parsed.joinToString("/") { it.first }
        Topics.validateFilter(filter)
    }

    private fun parseLevel(level: String, last: Boolean): Pair<String, String?> {
        if (!(level.startsWith("{") && level.endsWith("}"))) {
            if ('{' in level || '}' in level) invalid("a variable must fill a whole level, like {room}")
            return level to null
        }
        val inner = level.substring(1, level.length - 1)
        val multi = inner.endsWith("...")
        val name = inner.removeSuffix("...")
        if (!name.matches(NAME)) invalid("'$name' is not a variable name (letters, digits, _; not first a digit)")
        if (multi && !last) invalid("{$name...} must be the last level")
        return (if (multi) "#" else "+") to (if (multi) "$name..." else name)
    }

    private fun invalid(reason: String): Nothing = throw InvalidTopicException(pattern, reason)

    /** The variables of [topic] if it matches, else null. */
    public fun match(topic: String): Map<String, String>? {
        if (!Topics.matches(filter, topic)) return null
        if (names.all { it == null }) return emptyMap()
        val levels = topic.split('/')
        val vars = LinkedHashMap<String, String>()
        names.forEachIndexed { i, name ->
            when {
                name == null -> Unit
                name.endsWith("...") -> vars[name.removeSuffix("...")] = levels.drop(i).joinToString("/")
                else -> vars[name] = levels[i]
            }
        }
        return vars
    }

    /** Whether some variable of the pattern is named like one of [params]' keys with a value. */
    internal fun bindsAny(params: Map<String, Any?>): Boolean =
        params.isNotEmpty() && names.any { it != null && params.containsKey(it) && params[it] != null }

    /**
     * The filter for a worker with [params]: a one-level variable named like a parameter is fixed to
     * its value (`home/{room}/motion` with `room = "hall"` is `home/hall/motion`). Throws
     * [InvalidTopicException] naming the pattern and the parameter when the value is no topic level.
     */
    internal fun filterFor(params: Map<String, Any?>): String {
        if (!bindsAny(params)) return filter
        val levels = filter.split('/').toMutableList()
        names.forEachIndexed { i, name ->
            val value = if (name == null || name.endsWith("...")) null else params[name]?.toString()
            if (value != null) {
                if (!isLevel(value)) {
                    invalid("parameter $name = '$value' cannot fill a topic level (no /, + or #, not empty)")
                }
                levels[i] = value
            }
        }
        return levels.joinToString("/")
    }

    private fun isLevel(value: String): Boolean = value.isNotEmpty() && value.none { it in "/+#" }

    /** The variables of [topic] if it matches with the variables named like [params] fixed to their values. */
    internal fun match(topic: String, params: Map<String, Any?>): Map<String, String>? {
        val vars = match(topic) ?: return null
        if (!bindsAny(params)) return vars
        for ((name, value) in vars) {
            val bound = params[name] ?: continue
            if (bound.toString() != value) return null
        }
        return vars
    }

    override fun toString(): String = pattern

    private companion object {
        val NAME = Regex("[A-Za-z_][A-Za-z0-9_]*")
    }
}
