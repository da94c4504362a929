package dev.mqttflow.errors

/**
 * [url] with the password of its user info (`scheme://user:PASSWORD@host…`) replaced by `****`, for
 * messages and logs. The user info runs from `//` to the last `@` before the query (`?`), so a
 * password holding `@`, `/` or `:` is hidden whole; a URL without user info is returned unchanged.
 */
internal fun hideUserInfoPassword(url: String): String {
    val start = url.indexOf("//")
    if (start < 0) return url
    val queryAt = url.indexOf('?', start).let { if (it < 0) url.length else it }
    val at = url.lastIndexOf('@', queryAt - 1)
    if (at < start + 2) return url
    val colon = url.indexOf(':', start + 2)
    if (colon < 0 || colon > at) return url
    return url.substring(0, colon + 1) + "****" + url.substring(at)
}
