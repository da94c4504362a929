package dev.mqttflow.internal.hivemq

import dev.mqttflow.connection.InboundMessage
import dev.mqttflow.protocol.Message
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.test.runTest

class InboundBufferTest :
    FunSpec({
        fun inbound(n: Int, qos: Int, size: Int = 1) = InboundMessage(Message("t", ByteArray(size) { n.toByte() }, qos))

        test("QoS 0 is kept up to the message bound; QoS 1/2 always") {
            runTest {
                val buffer = InboundBuffer(maxQos0Messages = 2, maxQos0Bytes = 1_000)
                (1..4).forEach { buffer.offer(inbound(it, 0)) }
                (5..7).forEach { buffer.offer(inbound(it, 1)) }
                buffer.flow().take(5).toList().map { it.message.payload[0].toInt() } shouldBe listOf(1, 2, 5, 6, 7)
            }
        }

        test("QoS 0 is kept up to the byte bound, and taking one frees its room") {
            runTest {
                val buffer = InboundBuffer(maxQos0Messages = 100, maxQos0Bytes = 10)
                buffer.offer(inbound(1, 0, size = 6))
                buffer.offer(inbound(2, 0, size = 6)) // would pass 10 bytes: dropped
                buffer.flow().take(1).toList().single().message.payload[0].toInt() shouldBe 1
                buffer.offer(inbound(3, 0, size = 6))
                buffer.flow().take(1).toList().single().message.payload[0].toInt() shouldBe 3
            }
        }
    })
