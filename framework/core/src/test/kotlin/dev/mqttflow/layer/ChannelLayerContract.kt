package dev.mqttflow.layer

import dev.mqttflow.errors.ChannelFullException
import dev.mqttflow.errors.InvalidLayerMessageException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.SerialName
import kotlinx.serialization.Serializable
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/** A clock the test moves by hand. */
class MutableClock(var now: Instant = Instant.fromEpochMilliseconds(1_700_000_000_000)) : Clock {
    override fun now(): Instant = now

    fun advance(by: Duration) {
        now += by
    }
}

@Serializable
@SerialName("lights.override")
data class LightsOverride(val room: String, val on: Boolean = true)

/** Settings every layer under test is made with, so the contract can test the limits. */
const val CONTRACT_CAPACITY = 3
val CONTRACT_EXPIRY = 60.seconds
val CONTRACT_GROUP_EXPIRY = 3600.seconds

/**
 * One contract, run against every [ChannelLayer] implementation: the in-memory one and Redis.
 * [make] builds a layer with [CONTRACT_CAPACITY], [CONTRACT_EXPIRY], [CONTRACT_GROUP_EXPIRY] and the clock.
 */
fun FunSpec.channelLayerContract(make: (MutableClock) -> ChannelLayer) {
    val clock = MutableClock()
    val layer by lazy { make(clock) }
    afterSpec { layer.close() }

    suspend fun ChannelLayer.receiveSoon(channel: String) = withTimeout(10.seconds) { receive(channel) }

    suspend fun ChannelLayer.nothingOn(channel: String) =
        withTimeoutOrNull(300.milliseconds) { receive(channel) } == null

    test("a message sent to a channel is received there, type and body intact") {
        val ch = layer.newChannel("t")
        val msg = LayerMessage("sensor.reading", JsonObject(mapOf("watts" to JsonPrimitive(3100))))
        layer.send(ch, msg)
        layer.receiveSoon(ch) shouldBe msg
    }

    test("new channels are distinct") {
        (layer.newChannel("t") == layer.newChannel("t")) shouldBe false
    }

    test("a @Serializable value travels with its @SerialName as the type") {
        val ch = layer.newChannel("t")
        layer.send(ch, LightsOverride("hall"))
        val got = layer.receiveSoon(ch)
        got.type shouldBe "lights.override"
        got.decode<LightsOverride>() shouldBe LightsOverride("hall")
    }

    test("group_send reaches every member, and a discarded member no longer") {
        val a = layer.newChannel("t")
        val b = layer.newChannel("t")
        layer.groupAdd("lights", a)
        layer.groupAdd("lights", b)
        layer.groupSend("lights", LayerMessage("ping"))
        layer.receiveSoon(a).type shouldBe "ping"
        layer.receiveSoon(b).type shouldBe "ping"
        layer.groupDiscard("lights", b)
        layer.groupSend("lights", LayerMessage("again"))
        layer.receiveSoon(a).type shouldBe "again"
        layer.nothingOn(b) shouldBe true
    }

    test("a full channel raises ChannelFull to the sender and keeps what it holds") {
        val ch = layer.newChannel("t")
        repeat(CONTRACT_CAPACITY) { layer.send(ch, LayerMessage("m$it")) }
        shouldThrow<ChannelFullException> { layer.send(ch, LayerMessage("over")) }.message shouldContain ch
        layer.receiveSoon(ch).type shouldBe "m0"
        layer.send(ch, LayerMessage("fits again"))
    }

    test("group_send skips a full member and still reaches the others") {
        val full = layer.newChannel("t")
        val free = layer.newChannel("t")
        repeat(CONTRACT_CAPACITY) { layer.send(full, LayerMessage("fill")) }
        layer.groupAdd("mixed", full)
        layer.groupAdd("mixed", free)
        layer.groupSend("mixed", LayerMessage("hello"))
        layer.receiveSoon(free).type shouldBe "hello"
    }

    test("an expired message is dropped, a fresh one behind it arrives") {
        val ch = layer.newChannel("t")
        layer.send(ch, LayerMessage("old"))
        clock.advance(CONTRACT_EXPIRY + 1.seconds)
        layer.send(ch, LayerMessage("new"))
        layer.receiveSoon(ch).type shouldBe "new"
    }

    test("group membership lapses after the group expiry unless renewed") {
        val stale = layer.newChannel("t")
        val renewed = layer.newChannel("t")
        layer.groupAdd("expiring", stale)
        layer.groupAdd("expiring", renewed)
        clock.advance(CONTRACT_GROUP_EXPIRY - 10.seconds)
        layer.groupAdd("expiring", renewed)
        clock.advance(20.seconds)
        layer.groupSend("expiring", LayerMessage("late"))
        layer.receiveSoon(renewed).type shouldBe "late"
        layer.nothingOn(stale) shouldBe true
    }

    test("a message without a type is refused at the sender") {
        shouldThrow<InvalidLayerMessageException> { LayerMessage(" ") }
        shouldThrow<InvalidLayerMessageException> {
            LayerMessage.fromJson("""{"room": "hall"}""")
        }.message shouldContain
            "type"
    }

    test("invalid channel and group names are refused, naming them") {
        shouldThrow<InvalidLayerMessageException> { layer.send("has space", LayerMessage("x")) }.message shouldContain
            "has space"
        shouldThrow<InvalidLayerMessageException> {
            layer.groupAdd("g/slash", layer.newChannel("t"))
        }.message shouldContain
            "g/slash"
    }
}

class InMemoryChannelLayerTest :
    FunSpec({
        channelLayerContract { clock ->
            InMemoryChannelLayer(CONTRACT_CAPACITY, CONTRACT_EXPIRY, CONTRACT_GROUP_EXPIRY, clock)
        }
    })
