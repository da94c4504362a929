package dev.mqttflow.cli

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.fuzz.fuzzText
import dev.mqttflow.fuzz.show
import dev.mqttflow.fuzz.valueOr

/**
 * Fuzzes `.env` parsing ([DotEnv.parse], docs/fuzzing.md): entries, or a [DotEnvException] that
 * names `file:line` and gives one of the parser's fixed reasons, never a piece of the line (it may
 * hold a password).
 */
class DotEnvFuzzTest {
    @FuzzTest(maxDuration = "2m")
    fun parse(data: ByteArray) {
        val text = fuzzText(data)
        val lines = text.lines().size
        valueOr<DotEnvException>(text, ::namesOnlyTheLine) {
            val entries = DotEnv.parse(text, NAME)
            for ((key, entry) in entries) {
                check(entry.line in 1..lines) { "$key from line ${entry.line} of ${show(text)}" }
            }
        }
    }

    private fun namesOnlyTheLine(message: String): Boolean {
        val where = Regex("^${Regex.escape(NAME)}:(\\d+): ").find(message) ?: return false
        return message.substring(where.range.last + 1) in REASONS
    }

    private companion object {
        const val NAME = "fuzz/.env"
        val REASONS = setOf(
            "expected KEY=VALUE, found no '='",
            "expected KEY=VALUE with KEY made of letters, digits and _ (not starting with a digit)",
            "the value's ' quote is not closed on this line",
            "the value's \" quote is not closed on this line",
            "unexpected text after the closing ' quote",
            "unexpected text after the closing \" quote",
            "unknown escape in a double-quoted value",
        )
    }
}
