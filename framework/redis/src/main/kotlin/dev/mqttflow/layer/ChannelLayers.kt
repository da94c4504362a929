package dev.mqttflow.layer

import kotlin.time.Clock

/**
 * A layer from a URL: `memory://` (or null/empty) for [InMemoryChannelLayer],
 * `redis://host:port[/db][?prefix=p&capacity=n]` for [RedisChannelLayer].
 */
public fun ChannelLayer.Companion.fromUrl(url: String?, clock: Clock = Clock.System): ChannelLayer =
    ChannelLayers.fromUrl(url, clock)

/** [ChannelLayer]s from URLs, for Java: `ChannelLayers.fromUrl("redis://host:6379")`. */
public object ChannelLayers {
    /** See [ChannelLayer.Companion.fromUrl]. */
    @JvmStatic
    @JvmOverloads
    public fun fromUrl(url: String?, clock: Clock = Clock.System): ChannelLayer =
        when (val parsed = LayerUrl.parse(url)) {
            LayerUrl.Memory -> InMemoryChannelLayer(clock = clock)

            is LayerUrl.Redis -> RedisChannelLayer(
                parsed.uri,
                keyPrefix = parsed.prefix,
                capacity = parsed.capacity,
                clock = clock,
            )
        }
}
