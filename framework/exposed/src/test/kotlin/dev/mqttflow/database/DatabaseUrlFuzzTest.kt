package dev.mqttflow.database

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.fuzz.fuzzText
import dev.mqttflow.fuzz.passwordsIn
import dev.mqttflow.fuzz.show

/**
 * Fuzzes `--db-url` checking before any connection ([DatabaseUrls], docs/fuzzing.md): a verdict
 * without an exception, and a redacted rendering that shows no password.
 */
class DatabaseUrlFuzzTest {
    @FuzzTest(maxDuration = "2m")
    fun checkAndRedact(data: ByteArray) {
        val url = fuzzText(data)
        DatabaseUrls.problem(url)
        DatabaseUrls.isSharedMemorySqlite(url)
        val shown = DatabaseUrls.redact(url)
        val leaked = passwordsIn(url).filter { it in shown }
        check(leaked.isEmpty()) { "redact(${show(url)}) = ${show(shown)} still shows $leaked" }
    }
}
