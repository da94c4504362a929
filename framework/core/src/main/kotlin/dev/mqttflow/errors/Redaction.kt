package dev.mqttflow.errors

private val PASSWORD_PARAM = Regex("(?i)(password|pwd|sslpassword)=[^&;]*")

/**
 * [url] with every password replaced by `****`: the user info's first (a parameter's value may run
 * into the `@` that ends it, see [hideUserInfoPassword]), then `password=`, `pwd=` and
 * `sslpassword=` parameters. Public so that the command line shows URLs (`--print-config`) the
 * same way the framework's own errors do.
 */
public fun hidePasswords(url: String): String =
    hideUserInfoPassword(url).replace(PASSWORD_PARAM) { "${it.groupValues[1]}=****" }

/**
 * [url] with the password of its user info (`scheme://user:PASSWORD@host…`) replaced by `****`, for
 * messages and logs. The user info runs from `//` to the last `@` before the query (`?`), so a
 * password holding `@`, `/` or `:` is hidden whole; a URL without user info is returned unchanged.
 */
internal fun hideUserInfoPassword(url: String): String {
    val range = userInfoPasswordRange(url) ?: return url
    return url.replaceRange(range, "****")
}

/** Where the user-info password sits in [url] (see [hideUserInfoPassword]), or null. */
private fun userInfoPasswordRange(url: String): IntRange? {
    val start = url.indexOf("//")
    if (start < 0) return null
    val queryAt = url.indexOf('?', start).let { if (it < 0) url.length else it }
    val at = url.lastIndexOf('@', queryAt - 1)
    if (at < start + 2) return null
    val colon = url.indexOf(':', start + 2)
    if (colon < 0 || colon > at) return null
    return colon + 1 until at
}
