package dev.mqttflow.testing

import kotlin.time.Duration.Companion.milliseconds

/**
 * The text of a failed expectation: what was expected, then what the consumer did instead — every
 * action so far (those already taken by the test marked) and every handler failure with the top
 * of its stack trace.
 */
internal object FailureReport {
    private const val MAX_TRACE_LINES = 12
    private const val INDENT = "      "

    fun render(
        headline: String,
        consumer: String,
        now: Long,
        log: List<SentAction>,
        taken: Int,
        failures: List<HandlerFailure>,
    ): String = buildString {
        append(headline).append(" (virtual time +").append(now.milliseconds).append(")\n")
        if (log.isEmpty()) {
            append("'").append(consumer).append("' has sent no action at all\n")
        } else {
            append("actions so far (").append(log.size).append(", ").append(taken).append(" taken by the test):\n")
            log.forEachIndexed { i, sent ->
                append("  ").append(i + 1).append(". ").append(sent)
                append(if (i < taken) "   (taken)\n" else "\n")
            }
        }
        if (failures.isEmpty()) {
            append("no handler threw\n")
        } else {
            append("handler failures (").append(failures.size).append("):\n")
            for (failure in failures) {
                append("  ").append(failure).append('\n')
                append(trace(failure.error)).append('\n')
            }
        }
    }.trimEnd()

    /** The first [MAX_TRACE_LINES] lines of [error]'s stack trace (causes included), indented. */
    private fun trace(error: Throwable): String {
        val lines = error.stackTraceToString().lines().filter { it.isNotBlank() }
        val shown = lines.take(MAX_TRACE_LINES).toMutableList()
        if (lines.size > shown.size) shown += "\t... ${lines.size - shown.size} more lines"
        return shown.joinToString("\n") { INDENT + it.trimEnd() }
    }
}
