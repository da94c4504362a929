package dev.mqttflow.bench

import com.hivemq.client.mqtt.MqttClient
import com.hivemq.client.mqtt.MqttGlobalPublishFilter
import com.hivemq.client.mqtt.datatypes.MqttQos
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish
import java.util.UUID
import java.util.concurrent.CountDownLatch
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.locks.LockSupport

/** Latencies of one run, in nanoseconds, and how many requests got no answer in time. */
class Latencies(val nanos: LongArray, val lost: Int)

/**
 * The requester of figure 2, a HiveMQ async client in the harness JVM: publishes 64-byte requests
 * whose payload starts with their index, and times the replies. The same requester serves every
 * responder, so its own cost is in every figure alike.
 */
class Requester(port: Int, private val qos: Int) : AutoCloseable {
    private val client: Mqtt5AsyncClient = MqttClient.builder().useMqttVersion5()
        .identifier("bench-req-" + UUID.randomUUID().toString().take(8))
        .serverHost("127.0.0.1").serverPort(port).buildAsync()
    private val mqttQos = requireNotNull(MqttQos.fromCode(qos))

    @Volatile
    private var onReply: (index: Int, nanos: Long) -> Unit = { _, _ -> }

    init {
        client.publishes(MqttGlobalPublishFilter.ALL) { p -> reply(p) }
        client.connectWith().restrictions().receiveMaximum(RECEIVE_MAXIMUM).applyRestrictions().send()
            .get(TIMEOUT_S, TimeUnit.SECONDS)
        client.subscribeWith().topicFilter(RESPONSE_TOPIC).qos(mqttQos).send().get(TIMEOUT_S, TimeUnit.SECONDS)
    }

    private fun reply(p: Mqtt5Publish) {
        val now = System.nanoTime()
        val bytes = p.payloadAsBytes
        val index = String(bytes, 0, INDEX_DIGITS, Charsets.US_ASCII).trimStart('-').toIntOrNull() ?: return
        onReply(if (bytes[0] == '-'.code.toByte()) -index else index, now)
    }

    private fun payload(index: Int): ByteArray {
        val head = if (index < 0) {
            "-" + (-index).toString().padStart(INDEX_DIGITS - 1, '0')
        } else {
            index.toString().padStart(INDEX_DIGITS, '0')
        }
        return (head + "x".repeat(ThroughputFigure.PAYLOAD_BYTES - INDEX_DIGITS)).toByteArray(Charsets.US_ASCII)
    }

    private fun send(index: Int) {
        client.publishWith().topic(REQUEST_TOPIC).qos(mqttQos).payload(payload(index)).send()
    }

    /** Sends probes until the responder answers one: it is subscribed and its path is warm. */
    fun awaitResponder(timeoutMs: Long = TIMEOUT_S * 1000) {
        val answered = CountDownLatch(1)
        onReply = { index, _ -> if (index < 0) answered.countDown() }
        val deadline = System.currentTimeMillis() + timeoutMs
        var probe = 1
        while (!answered.await(PROBE_EVERY_MS, TimeUnit.MILLISECONDS)) {
            check(System.currentTimeMillis() < deadline) { "the responder did not answer any of ${probe - 1} probes" }
            send(-probe++)
        }
        Thread.sleep(PROBE_EVERY_MS) // late answers to earlier probes drain here
    }

    /** [n] requests, each sent when the previous reply arrived. */
    fun oneAtATime(n: Int): Latencies {
        val replies = LinkedBlockingQueue<Long>()
        val expected = AtomicInteger()
        onReply = { index, nanos -> if (index == expected.get()) replies.add(nanos) }
        val result = LongArray(n)
        var got = 0
        for (i in 0 until n) {
            expected.set(i)
            val start = System.nanoTime()
            send(i)
            val at = replies.poll(TIMEOUT_S, TimeUnit.SECONDS) ?: break
            result[got++] = at - start
        }
        return Latencies(result.copyOf(got).also { it.sort() }, n - got)
    }

    /**
     * [n] requests on a fixed schedule of [perSecond] (open loop): each latency counts from the time
     * the request was due, not from when it went out, so a stall is not hidden (coordinated omission).
     */
    fun fixedRate(n: Int, perSecond: Int): Latencies {
        val interval = 1_000_000_000L / perSecond
        val begin = System.nanoTime() + START_DELAY_NS
        val result = LongArray(n)
        val done = CountDownLatch(n)
        onReply = { index, nanos ->
            if (index in 0 until n && result[index] == 0L) {
                result[index] = (nanos - (begin + index * interval)).coerceAtLeast(1)
                done.countDown()
            }
        }
        for (i in 0 until n) {
            val due = begin + i * interval
            var wait = due - System.nanoTime()
            while (wait > 0) {
                LockSupport.parkNanos(wait)
                wait = due - System.nanoTime()
            }
            send(i)
        }
        done.await(TIMEOUT_S, TimeUnit.SECONDS)
        val answered = result.filter { it > 0 }.toLongArray().also { it.sort() }
        return Latencies(answered, n - answered.size)
    }

    override fun close() {
        runCatching { client.disconnect().get(TIMEOUT_S, TimeUnit.SECONDS) }
    }

    private companion object {
        const val INDEX_DIGITS = 16
        const val TIMEOUT_S = 10L
        const val PROBE_EVERY_MS = 50L
        const val START_DELAY_NS = 10_000_000L
    }
}
