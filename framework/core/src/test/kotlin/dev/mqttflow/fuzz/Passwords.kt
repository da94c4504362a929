package dev.mqttflow.fuzz

import java.net.URI

/**
 * The passwords written in [url] that a redacted rendering must not show: the user info's
 * (`//user:PASSWORD@`, as [URI] reads it and as a person reads it) and `password=`, `pwd=` and
 * `sslpassword=` parameters. Only those of three or more characters, without the mask's `*`, that
 * occur once in [url] and nowhere in [fixedText] (the words of the messages that quote the URL)
 * count, so that a password that happens to equal the host or a word of the message (`dis://` in
 * "use redis://host:port") is not a false finding.
 */
fun passwordsIn(url: String, fixedText: String = ""): List<String> {
    val userInfo = try {
        URI(url.removePrefix("jdbc:")).rawUserInfo
    } catch (_: java.net.URISyntaxException) {
        null
    }
    val written = writtenUserInfo(url)
    // A `password=` inside the user info is part of that password, not a parameter of its own.
    val rest = written?.let { url.replaceFirst(it, "") } ?: url
    val candidates = listOfNotNull(userInfo?.takeIf { ':' in it }?.substringAfter(':'), written) +
        PARAM.findAll(rest).map { it.groupValues[2] }
    return candidates.filter {
        it.length >= MIN_LENGTH && url.indexOf(it) == url.lastIndexOf(it) && '*' !in it && it !in fixedText
    }
}

/** The password as a person reads `//user:PASSWORD@host`: up to the last `@` before the query. */
private fun writtenUserInfo(url: String): String? {
    val authority = url.substringAfter("//", "").substringBefore('?')
    if ('@' !in authority) return null
    val userInfo = authority.substringBeforeLast('@')
    return if (':' in userInfo) userInfo.substringAfter(':') else null
}

private val PARAM = Regex("(?i)(password|pwd|sslpassword)=([^&;]*)")
private const val MIN_LENGTH = 3
