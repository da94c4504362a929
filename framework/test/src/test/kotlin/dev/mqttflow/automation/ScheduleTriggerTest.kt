package dev.mqttflow.automation

import dev.mqttflow.automation.schedule.Location
import dev.mqttflow.automation.schedule.WEEKDAYS
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.atSunset
import dev.mqttflow.dsl.cron
import dev.mqttflow.dsl.daily
import dev.mqttflow.dsl.every
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.errors.ScheduleException
import dev.mqttflow.testing.ConsumerTestScope
import dev.mqttflow.testing.consumerTest
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.time.ZoneId
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Instant

/** Each firing publishes the clock's instant on `fired/<what>`. */
private fun ConsumerTestScope.fired(what: String): List<String> =
    published.filter { it.topic == "fired/$what" }.map { it.text }

private val BERLIN = ZoneId.of("Europe/Berlin")

/** Monday 2026-03-23, 00:00 in Berlin (CET): the week before the spring-forward Sunday. */
private val MONDAY = Instant.parse("2026-03-22T23:00:00Z")

class ScheduleTriggerTest :
    FunSpec({
        test("every(15.minutes) fires at the quarter hours through the worker, and goes on after a failing run") {
            var runs = 0
            val ticker = mqttConsumer("ticker") {
                every(15.minutes) {
                    runs++
                    publish("fired/tick", clock.now().toString())
                    check(runs != 2) { "the second run fails" }
                }
            }
            consumerTest(ticker) {
                connect()
                advanceTimeBy(14.minutes + 59.seconds)
                fired("tick") shouldBe emptyList()
                advanceTimeBy(1.seconds)
                fired("tick") shouldBe listOf("2025-01-01T00:15:00Z")
                advanceTimeBy(45.minutes)
                fired("tick") shouldBe listOf(
                    "2025-01-01T00:15:00Z",
                    "2025-01-01T00:30:00Z",
                    "2025-01-01T00:45:00Z",
                    "2025-01-01T01:00:00Z",
                )
                failures shouldHaveSize 1
                store.timers("ticker").single().deadline shouldBe Instant.parse("2025-01-01T01:15:00Z")
            }
        }

        test("cron reads wall-clock time in the configured zone, across the spring-forward change") {
            val alarm = mqttConsumer("alarm") { cron("0 7 * * 1-5") { publish("fired/cron", clock.now().toString()) } }
            consumerTest(alarm, startTime = MONDAY, zone = BERLIN) {
                connect()
                advanceTimeBy(14.days)
                fired("cron") shouldBe listOf(
                    "2026-03-23T06:00:00Z", "2026-03-24T06:00:00Z", "2026-03-25T06:00:00Z", "2026-03-26T06:00:00Z",
                    "2026-03-27T06:00:00Z", // 07:00 CET; after Sunday the 29th 07:00 CEST is 05:00 UTC
                    "2026-03-30T05:00:00Z", "2026-03-31T05:00:00Z", "2026-04-01T05:00:00Z", "2026-04-02T05:00:00Z",
                    "2026-04-03T05:00:00Z",
                )
            }
        }

        test("a run missed while down: within 5 minutes it fires once at the start, later it is skipped") {
            val wake = mqttConsumer("wake") {
                daily("07:00", days = WEEKDAYS) { publish("fired/wake", clock.now().toString()) }
            }
            consumerTest(wake, startTime = MONDAY, zone = BERLIN) {
                connect()
                advanceTimeBy(6.hours + 59.minutes) // Monday 06:59
                restart(downFor = 3.minutes) // back at 07:02: 2 minutes late
                fired("wake") shouldBe listOf("2026-03-23T06:02:00Z")
                advanceTimeBy(23.hours) // Tuesday 06:02
                restart(downFor = 2.hours) // back at 08:02: too late, skipped
                advanceTimeBy(1.hours)
                fired("wake") shouldBe listOf("2026-03-23T06:02:00Z")
                advanceTimeBy(1.days)
                fired("wake") shouldBe listOf("2026-03-23T06:02:00Z", "2026-03-25T06:00:00Z")
            }
        }

        test("FireAtOnce after a long outage fires one catch-up run, not one per missed period") {
            val ticker = mqttConsumer("ticker") {
                every(1.minutes, misfire = MisfirePolicy.FireAtOnce) { publish("fired/tick", clock.now().toString()) }
            }
            consumerTest(ticker) {
                connect()
                advanceTimeBy(1.minutes)
                restart(downFor = 1.hours)
                fired("tick") shouldBe listOf("2025-01-01T00:01:00Z", "2025-01-01T01:01:00Z")
                advanceTimeBy(1.minutes)
                fired("tick") shouldHaveSize 3
                fired("tick").last() shouldBe "2025-01-01T01:02:00Z"
            }
        }

        test("a changed schedule replaces the stored run of the old one at the next start") {
            val wake = mqttConsumer("wake") {
                daily("07:00", days = WEEKDAYS) { publish("fired/wake", clock.now().toString()) }
            }
            consumerTest(wake, startTime = MONDAY, zone = BERLIN) {
                // What the script stored before it was edited from 06:00 to 07:00.
                val old = "schedule:daily(\"06:00\", WEEKDAYS)"
                store.saveTimer(StoredTimer("wake", old, "next", MONDAY + 5.hours, "0"))
                connect()
                store.timers("wake").map { it.timer to it.deadline } shouldBe
                    listOf("schedule:daily(\"07:00\", WEEKDAYS)" to Instant.parse("2026-03-23T06:00:00Z"))
                advanceTimeBy(1.days)
                fired("wake") shouldBe listOf("2026-03-23T06:00:00Z")
            }
        }

        test("a sun trigger without a location refuses to start, naming the consumer and the trigger") {
            val porch = mqttConsumer("porch") { atSunset(offset = (-15).minutes) { publish("fired/sun", "on") } }
            val error = shouldThrow<ConfigException> { consumerTest(porch) { connect() } }
            error.option shouldBe "location"
            error.message shouldContain "consumer 'porch' has atSunset(offset = -15m)"
            error.message shouldContain "needs a location"
            error.message shouldNotContain "--"
        }

        test("with a location, a sunset trigger fires at sunset plus its offset") {
            val porch = mqttConsumer("porch") { atSunset(offset = (-15).minutes) { publish("fired/sun", "on") } }
            // Berlin's shortest day, 2024-12-21: sunset 15:54:41 CET (Stiftung Planetarium Berlin).
            val start = Instant.parse("2024-12-21T00:00:00Z")
            consumerTest(porch, startTime = start, zone = BERLIN, location = Location(52.52, 13.405)) {
                connect()
                advanceTimeBy(14.hours + 39.minutes) // 15:39 CET
                fired("sun") shouldBe emptyList()
                advanceTimeBy(2.minutes)
                fired("sun") shouldBe listOf("on")
            }
        }

        test("a bad cron expression is refused when declared, naming it and the field") {
            val error = shouldThrow<ScheduleException> { mqttConsumer("bad") { cron("0 7 * * 1-8") { } } }
            error.message shouldBe "schedule 'cron(\"0 7 * * 1-8\")': day-of-week: 8 is out of range 0-7"
        }
    })
