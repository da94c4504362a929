package dev.mqttflow.layer

import dev.mqttflow.errors.ChannelFullException
import kotlinx.coroutines.channels.Channel
import org.slf4j.LoggerFactory
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/**
 * The channel layer of one process, the default. Same semantics as [RedisChannelLayer]: at most
 * [capacity] messages wait per channel, a message not received within [expiry] is dropped, group
 * membership lapses [groupExpiry] after the last [groupAdd]. Time comes from [clock], so tests can
 * move it.
 */
public class InMemoryChannelLayer @JvmOverloads constructor(
    private val capacity: Int = DEFAULT_CAPACITY,
    private val expiry: Duration = DEFAULT_EXPIRY,
    private val groupExpiry: Duration = DEFAULT_GROUP_EXPIRY,
    private val clock: Clock = Clock.System,
) : ChannelLayer {
    private class Entry(val message: LayerMessage, val expiresAt: Instant)

    private val log = LoggerFactory.getLogger("mqttflow.layer")
    private val channels = ConcurrentHashMap<String, Channel<Entry>>()
    private val groups = ConcurrentHashMap<String, ConcurrentHashMap<String, Instant>>()
    private val prefix = "local." + UUID.randomUUID().toString().take(PREFIX_LENGTH) + "!"
    private val counter = AtomicLong()

    init {
        require(capacity >= 1) { "capacity must be at least 1, not $capacity" }
    }

    private fun queue(channel: String) = channels.computeIfAbsent(channel) { Channel(capacity) }

    override fun newChannel(prefix: String): String {
        ChannelLayer.requireValidName(prefix, "channel prefix")
        return "$prefix.${this.prefix}${counter.incrementAndGet()}"
    }

    override suspend fun send(channel: String, message: LayerMessage) {
        ChannelLayer.requireValidName(channel, "channel")
        if (queue(channel).trySend(Entry(message, clock.now() + expiry)).isFailure) {
            throw ChannelFullException(channel, capacity)
        }
    }

    override suspend fun receive(channel: String): LayerMessage {
        ChannelLayer.requireValidName(channel, "channel")
        val queue = queue(channel)
        while (true) {
            val entry = queue.receive()
            if (entry.expiresAt > clock.now()) return entry.message
            log.debug("channel '{}': dropped an expired '{}' message", channel, entry.message.type)
        }
    }

    override suspend fun groupAdd(group: String, channel: String) {
        ChannelLayer.requireValidName(group, "group")
        ChannelLayer.requireValidName(channel, "channel")
        groups.computeIfAbsent(group) { ConcurrentHashMap() }[channel] = clock.now()
    }

    override suspend fun groupDiscard(group: String, channel: String) {
        groups[group]?.remove(channel)
    }

    override suspend fun groupSend(group: String, message: LayerMessage) {
        ChannelLayer.requireValidName(group, "group")
        val members = groups[group] ?: return
        val now = clock.now()
        members.entries.removeIf { it.value + groupExpiry <= now }
        for (channel in members.keys) {
            try {
                send(channel, message)
            } catch (e: ChannelFullException) {
                log.warn("group '{}': {}", group, e.message)
            }
        }
    }

    override suspend fun discard(channel: String) {
        channels.remove(channel)?.close()
    }

    override fun toString(): String =
        "InMemoryChannelLayer(capacity=$capacity, expiry=$expiry, groupExpiry=$groupExpiry)"

    public companion object {
        /** Channels' default capacity. */
        public const val DEFAULT_CAPACITY: Int = 100

        /** Channels' default message expiry. */
        public val DEFAULT_EXPIRY: Duration = 60.seconds

        /** Channels' default group expiry. */
        public val DEFAULT_GROUP_EXPIRY: Duration = 1.days

        private const val PREFIX_LENGTH = 8
    }
}
