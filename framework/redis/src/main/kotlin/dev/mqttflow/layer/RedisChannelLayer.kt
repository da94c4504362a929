package dev.mqttflow.layer

import dev.mqttflow.errors.ChannelFullException
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.InvalidLayerMessageException
import io.lettuce.core.RedisClient
import io.lettuce.core.RedisURI
import io.lettuce.core.ScriptOutputType
import io.lettuce.core.api.StatefulRedisConnection
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import org.slf4j.LoggerFactory
import java.util.UUID
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The channel layer across processes, over Redis (Lettuce), with Django Channels' design:
 *
 * - Worker channels are process-local (`worker.<process>!<n>`): every process has ONE Redis list,
 *   read by ONE blocking loop that hands each message to the local channel it names. Other names
 *   (no `!`) get a list each.
 * - A per-channel counter enforces [capacity] atomically (a Lua script): [send] to a full channel
 *   throws [ChannelFullException]. Messages carry their expiry; expired ones are dropped on receipt.
 * - Groups are sorted sets scored by the time of [groupAdd]; [groupSend] first drops members older
 *   than [groupExpiry].
 *
 * All keys begin with [keyPrefix], so several applications can share one Redis.
 */
public class RedisChannelLayer @JvmOverloads constructor(
    redisUri: String,
    private val keyPrefix: String = "mqttflow",
    private val capacity: Int = InMemoryChannelLayer.DEFAULT_CAPACITY,
    private val expiry: Duration = InMemoryChannelLayer.DEFAULT_EXPIRY,
    private val groupExpiry: Duration = InMemoryChannelLayer.DEFAULT_GROUP_EXPIRY,
    private val clock: Clock = Clock.System,
) : ChannelLayer {
    private val log = LoggerFactory.getLogger("mqttflow.layer.redis")
    private val client: RedisClient = RedisClient.create(RedisURI.create(redisUri))
    private val commands: StatefulRedisConnection<String, String> = try {
        client.connect()
    } catch (e: io.lettuce.core.RedisConnectionException) {
        client.shutdown()
        throw ConfigException(
            LayerUrl.SETTING,
            "cannot reach Redis at ${LayerUrl.hidePassword(redisUri)}: ${e.cause?.message ?: e.message}",
            e,
        )
    }
    private val blocking: StatefulRedisConnection<String, String> = client.connect()
    private val process = "${UUID.randomUUID().toString().take(PROCESS_ID_LENGTH)}!"
    private val counter = AtomicLong()
    private val local = ConcurrentHashMap<String, Channel<Envelope>>()

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)

    @Volatile
    private var reader: Job? = null

    init {
        require(capacity >= 1) { "capacity must be at least 1, not $capacity" }
    }

    /** `worker.<process>!<n>` lives in the process's list `<prefix>:ch:<process>!`; other names in their own. */
    private fun listKey(channel: String): String {
        val bang = channel.indexOf('!')
        if (bang < 0) return "$keyPrefix:ch:$channel"
        return "$keyPrefix:ch:" + channel.substring(channel.lastIndexOf('.', bang) + 1, bang + 1)
    }

    private fun countKey(channel: String) = "$keyPrefix:n:$channel"

    private fun groupKey(group: String) = "$keyPrefix:group:$group"

    override fun newChannel(prefix: String): String {
        ChannelLayer.requireValidName(prefix, "channel prefix")
        return "$prefix.$process${counter.incrementAndGet()}"
    }

    override suspend fun send(channel: String, message: LayerMessage) {
        ChannelLayer.requireValidName(channel, "channel")
        val envelope = Envelope(channel, (clock.now() + expiry).toEpochMilliseconds(), message.toJson()).encode()
        val ttl = (expiry + KEY_TTL_MARGIN).inWholeMilliseconds.toString()
        val sent = commands.async().eval<Long>(
            SEND_SCRIPT,
            ScriptOutputType.INTEGER,
            arrayOf(listKey(channel), countKey(channel)),
            capacity.toString(),
            envelope,
            ttl,
        ).await()
        if (sent == 0L) throw ChannelFullException(channel, capacity)
    }

    override suspend fun receive(channel: String): LayerMessage {
        ChannelLayer.requireValidName(channel, "channel")
        val local = if ('!' in channel) localQueue(channel) else null
        while (true) {
            val envelope = if (local != null) {
                local.receive()
            } else {
                blocking.async().blpop(BLOCK_SECONDS, listKey(channel)).await()?.value?.let(::decode) ?: continue
            }
            accept(envelope)?.let { return it }
        }
    }

    private fun localQueue(channel: String): Channel<Envelope> {
        require(channel.contains(".$process")) {
            "channel '$channel' belongs to another process; receive only your own"
        }
        startReader()
        return local.computeIfAbsent(channel) { Channel(Channel.UNLIMITED) }
    }

    /** One loop per process moves its list's messages to the local channels they name. */
    private fun startReader() {
        if (reader != null) return
        synchronized(this) {
            if (reader != null) return
            val key = "$keyPrefix:ch:$process"
            reader = scope.launch {
                while (isActive) {
                    try {
                        val envelope = blocking.async().blpop(BLOCK_SECONDS, key).await()?.value?.let(::decode)
                        envelope?.let { local.computeIfAbsent(it.channel) { Channel(Channel.UNLIMITED) }.trySend(it) }
                    } catch (e: io.lettuce.core.RedisException) {
                        log.warn("reading channel messages from Redis failed ({}); retrying", e.message)
                        delay(RETRY_DELAY)
                    }
                }
            }
        }
    }

    /** [text] from a Redis list as an envelope, or null (logged) when another process wrote something else. */
    private fun decode(text: String): Envelope? = try {
        Envelope.decode(text)
    } catch (e: InvalidLayerMessageException) {
        log.warn("dropped a malformed channel-layer envelope: {}", e.message)
        null
    }

    /**
     * Takes [envelope] off its channel's count (only now: capacity counts what the receiver has not
     * taken yet, wherever it waits) and drops it if it expired.
     */
    private suspend fun accept(envelope: Envelope): LayerMessage? {
        commands.async().decr(countKey(envelope.channel)).await()
        if (envelope.expiresAt <= clock.now().toEpochMilliseconds()) {
            log.debug("channel '{}': dropped an expired message", envelope.channel)
            return null
        }
        return try {
            LayerMessage.fromJson(envelope.message)
        } catch (e: InvalidLayerMessageException) {
            log.warn("channel '{}': dropped a malformed message: {}", envelope.channel, e.message)
            null
        }
    }

    override suspend fun groupAdd(group: String, channel: String) {
        ChannelLayer.requireValidName(group, "group")
        ChannelLayer.requireValidName(channel, "channel")
        val key = groupKey(group)
        commands.async().zadd(key, clock.now().toEpochMilliseconds().toDouble(), channel).await()
        commands.async().pexpire(key, groupExpiry.inWholeMilliseconds).await()
    }

    override suspend fun groupDiscard(group: String, channel: String) {
        commands.async().zrem(groupKey(group), channel).await()
    }

    override suspend fun groupSend(group: String, message: LayerMessage) {
        ChannelLayer.requireValidName(group, "group")
        val key = groupKey(group)
        val oldest = (clock.now() - groupExpiry).toEpochMilliseconds().toDouble()
        commands.async().zremrangebyscore(key, io.lettuce.core.Range.create(Double.NEGATIVE_INFINITY, oldest)).await()
        for (channel in commands.async().zrange(key, 0, -1).await()) {
            try {
                send(channel, message)
            } catch (e: ChannelFullException) {
                log.warn("group '{}': {}", group, e.message)
            }
        }
    }

    override suspend fun discard(channel: String) {
        local.remove(channel)?.close()
    }

    override fun close() {
        scope.cancel()
        runCatching { blocking.close() }
        runCatching { commands.close() }
        client.shutdown()
    }

    override fun toString(): String = "RedisChannelLayer(prefix=$keyPrefix, capacity=$capacity, expiry=$expiry)"

    public companion object {
        private const val PROCESS_ID_LENGTH = 12
        private const val BLOCK_SECONDS = 1L
        private val RETRY_DELAY = 1.seconds
        private val KEY_TTL_MARGIN = 10.seconds

        private val SEND_SCRIPT = """
            local n = tonumber(redis.call('GET', KEYS[2]) or '0')
            if n >= tonumber(ARGV[1]) then return 0 end
            redis.call('INCR', KEYS[2])
            redis.call('PEXPIRE', KEYS[2], ARGV[3])
            redis.call('RPUSH', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return 1
        """.trimIndent()
    }
}
