package dev.mqttflow.layer

import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.abbreviate
import dev.mqttflow.errors.hidePasswords
import io.lettuce.core.RedisURI
import java.net.URI
import java.net.URISyntaxException

/**
 * A channel layer URL, parsed without connecting anywhere: `memory://` (or nothing) for the in-process
 * layer, `redis://host:port[/db][?prefix=P&capacity=N]` (or `rediss://`) for Redis. Every refusal is
 * a [ConfigException] whose option is [SETTING] ("channel layer URL"), saying what is wrong with the URL
 * (its password hidden); the command line reports it under its own option name.
 */
internal sealed interface LayerUrl {
    /** [InMemoryChannelLayer]. */
    data object Memory : LayerUrl

    /** [RedisChannelLayer] at [uri] (no query), with its key [prefix] and channel [capacity]. */
    data class Redis(val uri: String, val prefix: String, val capacity: Int) : LayerUrl

    companion object {
        const val SETTING: String = "channel layer URL"
        private const val DEFAULT_PREFIX = "mqttflow"
        private val PLAIN_VALUE = Regex("[A-Za-z0-9+.-]{1,20}")

        fun parse(url: String?): LayerUrl {
            if (url.isNullOrBlank() || url == "memory://" || url == "memory") return Memory
            val shown = hidePasswords(url).abbreviate()
            val uri = try {
                URI(url)
            } catch (e: URISyntaxException) {
                throw ConfigException(SETTING, "'$shown' is not a URL: ${e.reason}", e)
            }
            return when (uri.scheme) {
                "redis", "rediss" -> redis(uri, shown)
                else -> throw ConfigException(SETTING, "unknown layer '$shown': use memory:// or redis://host:port")
            }
        }

        @Suppress("ThrowsCount")
        private fun redis(uri: URI, shown: String): Redis {
            if (uri.isOpaque || uri.host.isNullOrEmpty()) {
                throw ConfigException(SETTING, "'$shown' names no Redis host: use redis://host:port")
            }
            val query = uri.rawQuery.orEmpty().split('&').filter { it.contains('=') }
                .associate { it.substringBefore('=') to it.substringAfter('=') }
            val capacity = query["capacity"]?.let {
                // A malformed URL can put (a piece of) its user info in here: quote only a plain value.
                val quoted = if (PLAIN_VALUE.matches(it)) ", not '$it'" else ""
                it.toIntOrNull()?.takeIf { n -> n > 0 }
                    ?: throw ConfigException(SETTING, "capacity must be a positive number$quoted")
            } ?: InMemoryChannelLayer.DEFAULT_CAPACITY
            val base = try {
                URI(uri.scheme, uri.userInfo, uri.host, uri.port, uri.path, null, null).toString()
            } catch (e: URISyntaxException) {
                throw ConfigException(SETTING, "'$shown' is not a Redis URL: ${e.reason}", e)
            }
            try {
                RedisURI.create(base)
            } catch (e: IllegalArgumentException) {
                // Not Lettuce's message: it may quote a piece of the URL, password included.
                throw ConfigException(
                    SETTING,
                    "'$shown' is not a Redis URL Lettuce accepts (${e.javaClass.simpleName}); " +
                        "use redis://host:port[/db]",
                    e,
                )
            }
            return Redis(base, query["prefix"] ?: DEFAULT_PREFIX, capacity)
        }

        /** [url] with its passwords hidden (see [hidePasswords]). */
        fun hidePassword(url: String): String = hidePasswords(url)
    }
}
