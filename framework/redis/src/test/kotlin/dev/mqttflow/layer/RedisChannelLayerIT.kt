package dev.mqttflow.layer

import dev.mqttflow.errors.ConfigException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.seconds

class RedisChannelLayerIT :
    FunSpec({
        val redis = RedisServer()
        afterSpec { redis.close() }

        channelLayerContract { clock ->
            RedisChannelLayer(redis.url, "contract", CONTRACT_CAPACITY, CONTRACT_EXPIRY, CONTRACT_GROUP_EXPIRY, clock)
        }

        test("two layer clients (as two processes would) exchange a group_send") {
            val one = RedisChannelLayer(redis.url, keyPrefix = "xproc")
            val two = RedisChannelLayer(redis.url, keyPrefix = "xproc")
            try {
                val mine = one.newChannel("worker")
                one.groupAdd("lights", mine)
                two.groupSend("lights", LightsOverride("kitchen", on = false))
                withTimeout(10.seconds) { one.receive(mine) }.decode<LightsOverride>() shouldBe
                    LightsOverride("kitchen", false)
            } finally {
                one.close()
                two.close()
            }
        }

        test("a Redis that is not there is one clear error naming the URL") {
            val url = "redis://127.0.0.1:${dev.mqttflow.broker.EmbeddedBroker.freePort()}"
            shouldThrow<ConfigException> { ChannelLayer.fromUrl(url) }.message shouldContain url
        }
    })
