package dev.mqttflow.cli

import dev.mqttflow.monitoring.FlowSnapshot
import io.micrometer.core.instrument.MeterRegistry
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.time.Instant
import kotlin.time.toJavaInstant

/**
 * The status page at `/` of `--http`: plain server-rendered HTML that reloads itself every
 * [REFRESH_SECONDS]. It shows the connection, health, every worker with its subscriptions, message
 * rates per consumer (from [registry], sampled every [SAMPLE_SECONDS] over the last minute), recent
 * failures and dead letters, and pending timers. Everything shown is escaped (topics may hold
 * `<` or control characters); [facts] are lines the CLI adds (passwords already hidden).
 */
internal class StatusPage(private val registry: MeterRegistry, private val facts: List<Pair<String, String>>) :
    AutoCloseable {
    private val samples = ArrayDeque<Pair<Long, Map<String, Double>>>()
    private val sampler = Executors.newSingleThreadScheduledExecutor { r ->
        Thread(r, "mqttflow-status-rates").apply { isDaemon = true }
    }

    init {
        sampler.scheduleAtFixedRate(::sample, 0, SAMPLE_SECONDS, TimeUnit.SECONDS)
    }

    private fun received(): Map<String, Double> = registry.find("mqttflow.messages.received").counters()
        .groupBy { it.id.getTag("consumer") ?: "?" }
        .mapValues { (_, counters) -> counters.sumOf { it.count() } }

    private fun sample() = synchronized(samples) {
        samples.addLast(System.nanoTime() to received())
        while (samples.size > WINDOW_SAMPLES) samples.removeFirst()
    }

    /** Messages per second per consumer over the sampled window; null until two samples exist. */
    private fun rates(): Map<String, Double>? = synchronized(samples) {
        if (samples.size < 2) return null
        val (t0, first) = samples.first()
        val (t1, last) = samples.last()
        val seconds = (t1 - t0) / NANOS
        last.mapValues { (consumer, n) -> (n - (first[consumer] ?: 0.0)) / seconds }
    }

    fun render(snapshot: FlowSnapshot?): String = buildString {
        append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        append("<meta http-equiv=\"refresh\" content=\"$REFRESH_SECONDS\"><title>mqttflow status</title>")
        append("<style>$STYLE</style></head><body>\n<h1>mqttflow</h1>\n")
        if (snapshot == null) {
            append("<p id=\"connection\">not started yet</p></body></html>\n")
            return@buildString
        }
        val h = snapshot.health
        append("<p id=\"connection\" class=\"${snapshot.connection.name.lowercase()}\">")
        val state = snapshot.connection.name.lowercase()
        append("broker ${e(snapshot.broker)}: <b>$state</b> since ${time(snapshot.since)}")
        append("</p>\n<p id=\"health\">live: <b>${h.live}</b>, ready: <b>${h.ready}</b>")
        h.reasons.forEach { append("<br>• ").append(e(it)) }
        append("</p>\n")
        facts.forEach { (k, v) -> append("<p class=\"fact\">${e(k)}: ${e(v)}</p>\n") }
        append("<p>unacknowledged deliveries: ${snapshot.unacknowledged}</p>\n")
        workers(snapshot)
        rates(snapshot)
        failures(snapshot)
        timers(snapshot)
        append("<p class=\"foot\">reloads every $REFRESH_SECONDS s · <a href=\"/metrics\">/metrics</a> · ")
        append("<a href=\"/health/ready\">/health/ready</a></p>\n</body></html>\n")
    }

    private fun StringBuilder.workers(s: FlowSnapshot) {
        append("<h2>Consumers and workers</h2>\n<table id=\"workers\"><tr><th>worker</th><th>consumer</th>")
        append("<th>app id</th><th>subscriptions</th><th>inbox</th><th>running now</th></tr>\n")
        for (w in s.workers) {
            val subs = w.subscriptions.entries.joinToString("<br>") { (f, q) -> "${e(f)} <small>(QoS $q)</small>" }
            append("<tr><td>${e(w.name)}</td><td>${e(w.consumer)}</td><td>${w.appId}</td><td>$subs</td>")
            append("<td>${w.inboxDepth}</td><td>${e(w.running ?: "—")}</td></tr>\n")
        }
        append("</table>\n")
    }

    private fun StringBuilder.rates(s: FlowSnapshot) {
        val totals = received()
        val rates = rates()
        append("<h2>Messages</h2>\n<table id=\"rates\"><tr><th>consumer</th><th>received</th>")
        append("<th>per second (last minute)</th></tr>\n")
        for (consumer in (s.workers.map { it.consumer } + totals.keys).distinct().sorted()) {
            val rate = rates?.get(consumer)?.let { "%.2f".format(it) } ?: "…"
            append("<tr><td>${e(consumer)}</td><td>${(totals[consumer] ?: 0.0).toLong()}</td><td>$rate</td></tr>\n")
        }
        append("</table>\n")
    }

    private fun StringBuilder.failures(s: FlowSnapshot) {
        append("<h2>Recent failures</h2>\n")
        if (s.recentFailures.isEmpty()) append("<p id=\"failures\">none</p>\n")
        if (s.recentFailures.isNotEmpty()) {
            append("<table id=\"failures\"><tr><th>when</th><th>worker</th><th>handler</th><th>topic</th>")
            append("<th>error</th></tr>\n")
            for (f in s.recentFailures) {
                append("<tr><td>${time(f.at)}</td><td>${e(f.worker)}</td><td>${e(f.handler)}</td>")
                append("<td>${e(f.topic ?: "")}</td><td>${e(f.error)}</td></tr>\n")
            }
            append("</table>\n")
        }
        append("<h2>Recent dead letters</h2>\n")
        if (s.recentDeadLetters.isEmpty()) append("<p id=\"dead-letters\">none</p>\n")
        if (s.recentDeadLetters.isNotEmpty()) {
            append("<table id=\"dead-letters\"><tr><th>when</th><th>worker</th><th>topic</th><th>sent to</th>")
            append("<th>attempts</th></tr>\n")
            for (d in s.recentDeadLetters) {
                append("<tr><td>${time(d.at)}</td><td>${e(d.worker)}</td><td>${e(d.topic)}</td>")
                append("<td>${e(d.deadLetterTopic)}</td><td>${d.attempts}</td></tr>\n")
            }
            append("</table>\n")
        }
    }

    /** Every worker's armed durable timers, soonest first: worker, timer, key, deadline. */
    private fun StringBuilder.timers(s: FlowSnapshot) {
        append("<h2>Pending timers</h2>\n")
        if (s.timers.isEmpty()) {
            append("<p id=\"timers\">none</p>\n")
            return
        }
        append("<table id=\"timers\"><tr><th>due</th><th>worker</th><th>timer</th><th>key</th></tr>\n")
        for (t in s.timers) {
            append("<tr class=\"timer\"><td>${time(t.dueAt)}</td><td>${e(t.worker)}</td>")
            append("<td>${e(t.name)}</td><td>${e(t.key)}</td></tr>\n")
        }
        append("</table>\n")
    }

    override fun close() {
        sampler.shutdownNow()
    }

    companion object {
        const val REFRESH_SECONDS = 5
        private const val SAMPLE_SECONDS = 5L
        private const val WINDOW_SAMPLES = 13 // one minute of samples, both ends included
        private const val NANOS = 1e9
        private const val DEL = 0x7f
        private const val LAST_C1 = 0x9f
        private val TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
        private const val STYLE = "body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}" +
            "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:3px 8px;" +
            "text-align:left;vertical-align:top}th{background:#f3f3f3}.connected b{color:#070}" +
            ".disconnected b,.stopped b,.connecting b{color:#b00}.foot{color:#777}"

        private fun time(at: Instant): String = TIME.format(at.toJavaInstant())

        /** HTML-escaped, with control characters shown as `\u0000` escapes. */
        fun e(text: String): String = buildString(text.length) {
            for (c in text) {
                when {
                    c == '<' -> append("&lt;")
                    c == '>' -> append("&gt;")
                    c == '&' -> append("&amp;")
                    c == '"' -> append("&quot;")
                    c.code < ' '.code || c.code in DEL..LAST_C1 -> append("\\u%04x".format(c.code))
                    else -> append(c)
                }
            }
        }
    }
}
