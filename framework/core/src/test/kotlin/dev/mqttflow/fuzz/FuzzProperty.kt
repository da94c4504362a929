package dev.mqttflow.fuzz

/**
 * The property every fuzz test checks: [block] returns a value, or throws the parser's documented
 * exception [E] with a message that [names] accepts (it names the input). Any other throwable,
 * `OutOfMemoryError` and `StackOverflowError` included, fails the fuzz test: Jazzer reports it as a
 * finding and saves the input.
 */
inline fun <reified E : Throwable> valueOr(input: Any?, names: (String) -> Boolean = { true }, block: () -> Unit) {
    try {
        block()
    } catch (e: Throwable) {
        if (e !is E) {
            throw AssertionError("${e.javaClass.name} instead of ${E::class.simpleName} for input ${show(input)}", e)
        }
        val message = e.message.orEmpty()
        if (!names(message)) throw AssertionError("the message does not name the input ${show(input)}: $message", e)
    }
}

/** [input] for a failure message: strings quoted with control characters escaped, long ones cut. */
fun show(input: Any?): String {
    val text = when (input) {
        is ByteArray -> input.joinToString(" ", "[", "]") { "%02x".format(it) }
        else -> input.toString()
    }
    val escaped = buildString {
        for (c in text.take(MAX_SHOWN)) {
            if (c.code < ' '.code ||
                c.isSurrogate()
            ) {
                append("\\u%04x".format(c.code))
            } else {
                append(c)
            }
        }
    }
    return "'$escaped'" + if (text.length > MAX_SHOWN) "…(${text.length} chars)" else ""
}

/**
 * Fuzzer bytes as text: UTF-8 (malformed bytes become U+FFFD), and `\uXXXX` spelled out in the
 * input becomes that UTF-16 unit, so seeds and the fuzzer can write NUL or an unpaired surrogate.
 */
fun fuzzText(data: ByteArray): String {
    val utf8 = String(data, Charsets.UTF_8)
    if (!utf8.contains("\\u")) return utf8
    return ESCAPE.replace(utf8) { it.groupValues[1].toInt(HEX).toChar().toString() }
}

private val ESCAPE = Regex("\\\\u([0-9a-fA-F]{4})")
private const val HEX = 16
const val MAX_SHOWN = 300
