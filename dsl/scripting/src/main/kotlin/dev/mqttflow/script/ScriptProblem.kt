package dev.mqttflow.script

import kotlin.script.experimental.api.ScriptDiagnostic

/**
 * One compiler message about a script, printed the way compilers do:
 * `hall-light.mqtt.kts:4:9: error: Unresolved reference 'publsh'`.
 */
public class ScriptProblem(
    /** The script as the user named it (`hall-light.mqtt.kts`, `scripts/x.mqtt.kts`). */
    public val file: String,
    /** 1-based; 0 when the compiler gave no place. */
    public val line: Int,
    /** 1-based; 0 when the compiler gave no place. */
    public val column: Int,
    /** `error` or `warning`. */
    public val severity: String,
    /** What is wrong, without the place. */
    public val message: String,
) {
    /** True for errors, which stop the script from loading. */
    public val isError: Boolean get() = severity == ERROR

    override fun toString(): String = if (line > 0) {
        "$file:$line:$column: $severity: $message"
    } else {
        "$file: $severity: $message"
    }

    internal companion object {
        const val ERROR = "error"
        const val WARNING = "warning"

        /** Errors and warnings of [diagnostics]; the compiler's DEBUG and INFO chatter is left out. */
        fun from(diagnostics: List<ScriptDiagnostic>, file: String, scriptPath: String?): List<ScriptProblem> =
            diagnostics.mapNotNull { d ->
                val severity = when (d.severity) {
                    ScriptDiagnostic.Severity.ERROR, ScriptDiagnostic.Severity.FATAL -> ERROR
                    ScriptDiagnostic.Severity.WARNING -> WARNING
                    else -> return@mapNotNull null
                }
                val where = if (d.sourcePath == null || d.sourcePath == scriptPath) file else d.sourcePath!!
                val start = d.location?.start
                val text = d.message.trim().removeSuffix(".") +
                    (d.exception?.takeIf { d.message.isBlank() }?.let { it.toString() } ?: "")
                ScriptProblem(where, start?.line ?: 0, start?.col ?: 0, severity, text)
            }
    }
}
