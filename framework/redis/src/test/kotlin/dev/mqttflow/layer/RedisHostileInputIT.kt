package dev.mqttflow.layer

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.lettuce.core.RedisClient
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * What another process may write into the Redis layer's lists (found by LayerMessageFuzzTest's
 * envelope target): a malformed entry is dropped with a warning, and the messages after it arrive.
 */
class RedisHostileInputIT :
    FunSpec({
        val redis = RedisServer()
        val raw = RedisClient.create(redis.url)
        val commands = raw.connect().async()
        afterSpec {
            raw.shutdown()
            redis.close()
        }

        val garbage = listOf(
            "not json",
            "[1, 2]",
            """{"channel": 1, "expires": 1, "message": {"type": "x"}}""",
            """{"channel": "c", "expires": "soon", "message": {"type": "x"}}""",
        )

        test("malformed envelopes in a process's list do not stop its worker channels") {
            val layer = RedisChannelLayer(redis.url, keyPrefix = "hostile1")
            try {
                val mine = layer.newChannel("worker")
                val received = async { withTimeout(30.seconds) { layer.receive(mine) } }
                delay(200.milliseconds) // the reader is blocked on the list now
                val list =
                    "hostile1:ch:" + mine.substring(mine.lastIndexOf('.', mine.indexOf('!')) + 1, mine.indexOf('!') + 1)
                val badMessage = """{"channel": "$mine", "expires": ${Long.MAX_VALUE}, "message": {"room": "hall"}}"""
                commands.rpush(list, *(garbage + badMessage).toTypedArray()).await()
                layer.send(mine, LayerMessage("lights.override"))
                received.await() shouldBe LayerMessage("lights.override")
            } finally {
                layer.close()
            }
        }

        test("a malformed envelope in a named channel's list is skipped by receive") {
            val layer = RedisChannelLayer(redis.url, keyPrefix = "hostile2")
            try {
                commands.rpush("hostile2:ch:jobs", *garbage.toTypedArray()).await()
                layer.send("jobs", LayerMessage("job.run"))
                withTimeout(30.seconds) { layer.receive("jobs") } shouldBe LayerMessage("job.run")
            } finally {
                layer.close()
            }
        }
    })
