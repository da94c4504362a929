package dev.mqttflow.script

import dev.mqttflow.dsl.TopicPattern
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.routing.Topics

/**
 * What `mqttflow check` finds beyond the compiler: literal topic filters that MQTT refuses, in
 * `subscribe("…")` / `unsubscribe("…")` calls and `onMessage("…")` patterns, each as an error
 * with the literal's `file:line:col`. A filter built at run time (`"home/$room/#"`) is not a
 * literal and is not checked here; the broker or the runtime reports it then. Comments are skipped.
 */
internal object TopicLint {
    private val CALL = Regex("""\b(subscribe|unsubscribe|onMessage)\s*\(\s*(?:(?:filter|pattern)\s*=\s*)?"""")

    /** The problems in [text], a script the user named [displayName]. */
    fun check(text: String, displayName: String): List<ScriptProblem> {
        val code = withoutComments(text)
        return CALL.findAll(code).mapNotNull { call ->
            val open = call.range.last // the literal's opening quote
            val literal = literalAt(code, open) ?: return@mapNotNull null
            val reason = problem(call.groupValues[1], literal) ?: return@mapNotNull null
            val (line, column) = position(text, open)
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

    /** The plain string literal whose opening quote is at [open], unescaped; null if it has a template or never ends. */
    private fun literalAt(code: String, open: Int): String? {
        if (code.startsWith("\"\"\"", open)) return null
        val out = StringBuilder()
        var i = open + 1
        while (i < code.length) {
            when (val c = code[i]) {
                '"' -> return out.toString()
                '$' -> return null
                '\n' -> return null
                '\\' -> {
                    if (i + 1 >= code.length) return null
                    out.append(unescape(code[i + 1]) ?: return null)
                    i++
                }
                else -> out.append(c)
            }
            i++
        }
        return null
    }

    private fun unescape(c: Char): Char? = when (c) {
        '"', '\\', '\'', '$' -> c
        'n' -> '\n'
        't' -> '\t'
        else -> null
    }

    /** 1-based line and column of [index] in [text]. */
    private fun position(text: String, index: Int): Pair<Int, Int> {
        val before = text.substring(0, index)
        val line = before.count { it == '\n' } + 1
        return line to index - (before.lastIndexOf('\n') + 1) + 1
    }

    /** [text] with every comment blanked out (newlines kept, so positions stay), strings left alone. */
    private fun withoutComments(text: String): String {
        val out = StringBuilder(text)
        var i = 0
        var inString = false
        while (i < text.length) {
            val c = text[i]
            val next = text.getOrNull(i + 1)
            when {
                inString && c == '\\' -> i++
                c == '"' -> inString = !inString
                !inString && c == '/' && next == '/' -> {
                    while (i < text.length && text[i] != '\n') out[i++] = ' '
                    continue
                }
                !inString && c == '/' && next == '*' -> {
                    val end = text.indexOf("*/", i + 2).let { if (it < 0) text.length else it + 2 }
                    for (j in i until end) if (text[j] != '\n') out[j] = ' '
                    i = end
                    continue
                }
            }
            i++
        }
        return out.toString()
    }
}
