package dev.mqttflow.cli

import java.io.IOException
import java.nio.charset.CharacterCodingException
import java.nio.file.Files
import java.nio.file.Path

/** A `.env` line that cannot be read: [where] is `file:line`. The message never repeats the line. */
internal class DotEnvException(val where: String, reason: String, cause: Throwable? = null) :
    Exception("$where: $reason", cause)

/** One value of a `.env` file, with the line it came from. */
internal data class DotEnvEntry(val value: String, val line: Int)

/**
 * A `.env` file: `KEY=VALUE` lines, read from the working directory.
 *
 * The format is the common subset of python-dotenv and docker-compose: blank lines and `#`
 * comments; an optional `export ` prefix; values bare (trimmed, a ` #` starts a comment),
 * in single quotes (taken literally) or in double quotes (`\n`, `\t`, `\"`, `\\` escapes).
 * Anything else is an error naming `file:line`, because a silently skipped line is a setting
 * the user believes in and does not get. Error messages never quote the line: it may hold a password.
 */
internal class DotEnv private constructor(val file: Path, val entries: Map<String, DotEnvEntry>) {
    operator fun get(key: String): DotEnvEntry? = entries[key]

    companion object {
        private val KEY = Regex("[A-Za-z_][A-Za-z0-9_.]*")

        /** Reads [file]; null when it does not exist. */
        fun read(file: Path): DotEnv? {
            if (!Files.exists(file)) return null
            val text = try {
                Files.readString(file)
            } catch (e: CharacterCodingException) {
                throw DotEnvException(file.toString(), "cannot read it: not UTF-8 text (${e.javaClass.simpleName})", e)
            } catch (e: IOException) {
                throw DotEnvException(
                    file.toString(),
                    "cannot read it: ${e.javaClass.simpleName} ${e.message ?: ""}",
                    e,
                )
            }
            return DotEnv(file, parse(text, file.toString()))
        }

        fun parse(text: String, name: String): Map<String, DotEnvEntry> {
            val entries = LinkedHashMap<String, DotEnvEntry>()
            text.lines().forEachIndexed { index, raw ->
                val lineNo = index + 1
                val line = raw.trim()
                if (line.isEmpty() || line.startsWith("#")) return@forEachIndexed
                val body = line.removePrefix("export ").trimStart()
                val eq = body.indexOf('=')
                if (eq < 0) throw DotEnvException("$name:$lineNo", "expected KEY=VALUE, found no '='")
                val key = body.substring(0, eq).trim()
                if (!key.matches(KEY)) {
                    throw DotEnvException(
                        "$name:$lineNo",
                        "expected KEY=VALUE with KEY made of letters, digits and _ (not starting with a digit)",
                    )
                }
                entries[key] = DotEnvEntry(value(body.substring(eq + 1).trim(), "$name:$lineNo"), lineNo)
            }
            return entries
        }

        private fun value(text: String, where: String): String = when {
            text.startsWith("'") -> quoted(text, '\'', where)
            text.startsWith("\"") -> unescape(quoted(text, '"', where), where)
            else -> text.substringBefore(" #").trimEnd()
        }

        /** The text between the opening [quote] and its closing one; only a comment may follow. */
        private fun quoted(text: String, quote: Char, where: String): String {
            val end = closingQuote(text, quote)
            if (end < 0) throw DotEnvException(where, "the value's $quote quote is not closed on this line")
            val rest = text.substring(end + 1).trim()
            if (rest.isNotEmpty() && !rest.startsWith("#")) {
                throw DotEnvException(where, "unexpected text after the closing $quote quote")
            }
            return text.substring(1, end)
        }

        /** Index of the quote closing the one at 0, skipping backslash escapes in double quotes; -1 if none. */
        private fun closingQuote(text: String, quote: Char): Int {
            var i = 1
            while (i < text.length && text[i] != quote) {
                i += if (text[i] == '\\' && quote == '"') 2 else 1
            }
            return if (i < text.length) i else -1
        }

        private fun unescape(text: String, where: String): String {
            val out = StringBuilder(text.length)
            var i = 0
            while (i < text.length) {
                val c = text[i++]
                if (c != '\\') {
                    out.append(c)
                    continue
                }
                out.append(
                    when (text[i++]) {
                        'n' -> '\n'
                        't' -> '\t'
                        'r' -> '\r'
                        '"' -> '"'
                        '\\' -> '\\'
                        '$' -> '$'
                        else -> throw DotEnvException(where, "unknown escape in a double-quoted value")
                    },
                )
            }
            return out.toString()
        }
    }
}
