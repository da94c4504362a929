package dev.mqttflow.cli

import dev.mqttflow.monitoring.ConnectionState
import dev.mqttflow.monitoring.FlowSnapshot
import dev.mqttflow.monitoring.Health
import dev.mqttflow.monitoring.PendingTimer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import kotlin.time.Instant

/** The status page's pending-timers section: one row per armed key, escaped; "none" without any. */
class StatusPageTest :
    FunSpec({
        fun snapshot(timers: List<PendingTimer>) = FlowSnapshot(
            broker = "127.0.0.1:1883",
            connection = ConnectionState.CONNECTED,
            since = Instant.parse("2026-12-03T10:00:00Z"),
            health = Health(live = true, ready = true, reasons = emptyList()),
            workers = emptyList(),
            unacknowledged = 0,
            recentFailures = emptyList(),
            recentDeadLetters = emptyList(),
            timers = timers,
        )

        test("pending timers show due time, worker, timer and key, escaped") {
            val page = StatusPage(SimpleMeterRegistry(), emptyList()).use {
                it.render(
                    snapshot(
                        listOf(
                            PendingTimer("hall:hall", "off", "kitchen", Instant.parse("2026-12-03T10:05:00Z")),
                            PendingTimer("room@3", "alarm", "<b>&\u0007", Instant.parse("2026-12-03T11:00:00Z")),
                        ),
                    ),
                )
            }
            page shouldContain "<table id=\"timers\"><tr><th>due</th><th>worker</th><th>timer</th><th>key</th></tr>"
            page shouldContain "<tr class=\"timer\"><td>2026-12-03 10:05:00 UTC</td><td>hall:hall</td>" +
                "<td>off</td><td>kitchen</td></tr>"
            page shouldContain "<td>room@3</td><td>alarm</td><td>&lt;b&gt;&amp;\\u0007</td></tr>"
            page shouldNotContain "<b>&"
        }

        test("without pending timers the section says none") {
            val page = StatusPage(SimpleMeterRegistry(), emptyList()).use { it.render(snapshot(emptyList())) }
            page shouldContain "<h2>Pending timers</h2>\n<p id=\"timers\">none</p>"
            page shouldNotContain "class=\"timer\""
        }
    })
