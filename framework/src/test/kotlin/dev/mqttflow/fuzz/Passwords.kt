package dev.mqttflow.fuzz

import java.net.URI

/**
 * The passwords written in [url] that a redacted rendering must not show: the user info's
 * (`//user:PASSWORD@`, as [URI] reads it) and `password=`/`pwd=`/`sslpassword=` parameters. Only those
 * of three or more characters that occur once in [url] count, so that a password that happens to
 * equal the host or the database name is not a false finding.
 */
fun passwordsIn(url: String): List<String> {
    val userInfo = try {
        URI(url.removePrefix("jdbc:")).rawUserInfo
    } catch (_: java.net.URISyntaxException) {
        null
    }
    val candidates = listOfNotNull(userInfo?.takeIf { ':' in it }?.substringAfter(':'), writtenUserInfo(url)) +
        PARAM.findAll(url).map { it.groupValues[2] }
    return candidates.filter {
        it.length >= MIN_LENGTH && url.indexOf(it) == url.lastIndexOf(it) && it !in HIDDEN
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

// What a redaction writes instead of a password: a password made of it cannot be told apart.
private const val HIDDEN = "=****@"
