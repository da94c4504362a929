package dev.mqttflow.config

import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.hidePasswords
import java.net.URI
import java.net.URISyntaxException
import java.net.URLDecoder
import java.nio.charset.StandardCharsets

/** How a [ProxyConfig] tunnels the broker connection. */
public enum class ProxyProtocol(public val scheme: String) {
    /** SOCKS version 5, with optional user name and password. */
    SOCKS5("socks5"),

    /** SOCKS version 4 (no password; a user name is sent as the user id). */
    SOCKS4("socks4"),

    /** An HTTP proxy's CONNECT method, with optional Basic credentials. */
    HTTP("http"),
}

/**
 * A proxy the broker connection goes through, as aiomqtt's `ProxySettings` and paho's `proxy_set`.
 * Usually parsed from a URL with [parse]: `socks5://[user:password@]host:port` or
 * `http://[user:password@]host:port`. [toString] never shows the password.
 */
public data class ProxyConfig @JvmOverloads constructor(
    public val protocol: ProxyProtocol,
    public val host: String,
    public val port: Int,
    public val username: String? = null,
    public val password: String? = null,
) {
    init {
        require(host.isNotBlank()) { "the proxy host must not be empty" }
        require(port in 1..MAX_PORT) { "the proxy port must be 1..$MAX_PORT, not $port" }
        require(password == null || username != null) { "a proxy password needs a user name" }
    }

    /** The proxy as a URL, password hidden. */
    override fun toString(): String =
        "${protocol.scheme}://" + (username?.let { u -> u + (password?.let { ":****" } ?: "") + "@" } ?: "") +
            "$host:$port"

    public companion object {
        private const val MAX_PORT = 65535

        /**
         * Parses `socks5://host:port`, `socks4://host:port` or `http://host:port`, each with optional
         * `user:password@` (percent-encoded where it holds `@`, `:` or `/`). A bad URL throws
         * [ConfigException] for option `proxy`, saying what is wrong; the password is never repeated.
         */
        @JvmStatic
        public fun parse(url: String): ProxyConfig {
            val uri = try {
                URI(url.trim())
            } catch (e: URISyntaxException) {
                throw ConfigException("proxy", "not a URL (${e.reason}): '${hidePasswords(url)}'", e)
            }
            val bad = { reason: String -> ConfigException("proxy", "$reason in '${hidePasswords(url)}'") }
            val protocol = protocolOf(uri.scheme?.lowercase(), bad)
            val (user, password) = credentials(uri.rawUserInfo)
            val problem = when {
                uri.host == null -> "no host"
                uri.port < 0 -> "no port"
                uri.port !in 1..MAX_PORT -> "the port must be 1..$MAX_PORT"
                !uri.rawPath.isNullOrEmpty() && uri.rawPath != "/" -> "a proxy URL has no path"
                uri.rawQuery != null -> "a proxy URL has no query"
                user != null && user.isEmpty() -> "an empty proxy user name"
                else -> null
            }
            if (problem != null) throw bad(problem)
            val host = uri.host
            return ProxyConfig(protocol, host.removeSurrounding("[", "]"), uri.port, user, password)
        }

        private fun protocolOf(scheme: String?, bad: (String) -> ConfigException): ProxyProtocol = when (scheme) {
            null -> throw bad("no scheme: expected socks5://, socks4:// or http://")
            "socks5", "socks5h", "socks" -> ProxyProtocol.SOCKS5
            "socks4", "socks4a" -> ProxyProtocol.SOCKS4
            "http" -> ProxyProtocol.HTTP
            else -> throw bad("unsupported scheme '$scheme': expected socks5://, socks4:// or http://")
        }

        /** `user:password` (percent-decoded) from the raw user info, or nulls. */
        private fun credentials(info: String?): Pair<String?, String?> {
            if (info == null) return null to null
            val colon = info.indexOf(':')
            return if (colon <
                0
            ) {
                decode(info) to null
            } else {
                decode(info.substring(0, colon)) to decode(info.substring(colon + 1))
            }
        }

        private fun decode(text: String): String = try {
            URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8)
        } catch (e: IllegalArgumentException) {
            throw ConfigException("proxy", "a bad %-escape in the proxy user name or password", e)
        }
    }
}
