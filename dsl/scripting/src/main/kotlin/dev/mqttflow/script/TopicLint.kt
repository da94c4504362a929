package dev.mqttflow.script

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.dsl.TopicPattern
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.routing.Topics

/**
 * What `mqttflow check` finds beyond the compiler: literal topic filters that MQTT refuses, in
 * `subscribe("…")` / `unsubscribe("…")` calls and `onMessage("…")` patterns, each as an error
 * with the literal's `file:line:col`. A filter built at run time (`"home/$room/#"`) is not a
 * literal and is not checked here; the broker or the runtime reports it then. Comments are skipped.
 * Public for mqttflow-cli only.
 */
@InternalMqttFlowApi
public object TopicLint {
    // subscribe("…"), unsubscribe(filter = "…"), onMessage("…"): group 2 is a plain literal's body
    // (no template, no raw string; escapes kept as written).
    private val CALL = Regex(
        """\b(subscribe|unsubscribe|onMessage)\s*\(\s*(?:(?:filter|pattern)\s*=\s*)?""" +
            """"(?!"")((?:[^"\\\n$]|\\.)*)"""",
    )

    // Raw strings, strings, line comments, block comments: comments are blanked, the rest is kept.
    private val TOKENS = Regex("\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"|//[^\\n]*|/\\*[\\s\\S]*?\\*/")
    private val NOT_NEWLINE = Regex("[^\\n]")
    private val ESCAPE = Regex("""\\(.)""")
    private val ESCAPED = mapOf('n' to "\n", 't' to "\t", 'r' to "\r", 'b' to "\b")

    /** The problems in [text], a script the user named [displayName]. */
    public fun check(text: String, displayName: String): List<ScriptProblem> {
        val code = TOKENS.replace(text) { token ->
            if (token.value.startsWith("/")) token.value.replace(NOT_NEWLINE, " ") else token.value
        }
        return CALL.findAll(code).mapNotNull { call ->
            val written = call.groupValues[2]
            if ("\\u" in written) return@mapNotNull null // a unicode escape: leave it to the runtime
            val literal = ESCAPE.replace(written) { ESCAPED[it.groupValues[1][0]] ?: it.groupValues[1] }
            val reason = problem(call.groupValues[1], literal) ?: return@mapNotNull null
            val (line, column) = position(text, call.groups[2]!!.range.first - 1)
            ScriptProblem(displayName, line, column, ScriptProblem.ERROR, reason)
        }.toList()
    }

    private fun problem(function: String, literal: String): String? = try {
        if (function == "onMessage") {
            TopicPattern(literal)
        } else {
            Topics.validateFilter(literal)
        }
        null
    } catch (e: InvalidTopicException) {
        val what = if (function == "onMessage") "topic pattern" else "topic filter"
        "invalid $what '$literal' in $function(…): ${e.reason}"
    }

    /** 1-based line and column of [index] in [text]. */
    private fun position(text: String, index: Int): Pair<Int, Int> {
        val before = text.substring(0, index)
        val line = before.count { it == '\n' } + 1
        return line to index - (before.lastIndexOf('\n') + 1) + 1
    }
}
