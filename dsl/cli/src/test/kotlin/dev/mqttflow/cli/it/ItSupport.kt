package dev.mqttflow.cli.it

import dev.mqttflow.it.RawClient
import java.util.concurrent.TimeUnit

const val ECHO: String = "dev.mqttflow.cli.fixtures.FixturesKt#echo"
const val FAULTY: String = "dev.mqttflow.cli.fixtures.FixturesKt#faulty"
const val TICKER: String = "dev.mqttflow.cli.fixtures.FixturesKt#ticker"

/**
 * Publishes `echo/in/<name>` until the echo consumer answers on `echo/out/<name>` (it may not be
 * subscribed yet: it is starting, or reconnecting). [raw] must be subscribed to `echo/out/#`.
 */
fun RawClient.awaitEcho(name: String = "probe", attempts: Int = 120) {
    repeat(attempts) {
        publish("echo/in/$name", "ping")
        while (true) {
            val (topic, _) = received.poll(POLL_MS, TimeUnit.MILLISECONDS) ?: break
            if (topic == "echo/out/$name") return
        }
    }
    error("no echo on echo/out/$name after $attempts probes")
}

/** Takes messages until one arrives on [topic]; fails after [seconds] with what did arrive. */
fun RawClient.awaitMessage(topic: String, seconds: Long = 30): String {
    val seen = mutableListOf<Pair<String, String>>()
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
    while (System.nanoTime() < deadline) {
        val next = received.poll(POLL_MS, TimeUnit.MILLISECONDS) ?: continue
        if (next.first == topic) return next.second
        seen += next
    }
    error("nothing on $topic within $seconds s; saw $seen")
}

/** Collects [count] payloads from `echo/out/<prefix>-*`, ignoring anything else (late probes). */
fun RawClient.collectEchoes(prefix: String, count: Int, seconds: Long = 60): Set<String> {
    val got = mutableSetOf<String>()
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
    while (got.size < count && System.nanoTime() < deadline) {
        val (topic, _) = received.poll(POLL_MS, TimeUnit.MILLISECONDS) ?: continue
        if (topic.startsWith("echo/out/$prefix-")) got += topic.substringAfterLast('/')
    }
    return got
}

private const val POLL_MS = 250L
