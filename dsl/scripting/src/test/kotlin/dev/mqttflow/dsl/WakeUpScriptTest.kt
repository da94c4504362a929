package dev.mqttflow.dsl

import dev.mqttflow.automation.schedule.UsnoTables
import dev.mqttflow.errors.ScriptException
import dev.mqttflow.protocol.Publish
import dev.mqttflow.script.ScriptCache
import dev.mqttflow.script.loadTestScript
import dev.mqttflow.testing.ConsumerTestScope
import dev.mqttflow.testing.consumerTest
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.comparables.shouldBeLessThanOrEqualTo
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.time.LocalDate
import java.time.LocalDateTime
import java.time.LocalTime
import java.time.ZoneId
import kotlin.io.path.writeText
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant
import kotlin.time.toKotlinInstant

private val BERLIN = ZoneId.of("Europe/Berlin")

private fun local(date: LocalDate, hhmm: String, zone: ZoneId): Instant =
    LocalDateTime.of(date, LocalTime.parse(hhmm)).atZone(zone).toInstant().toKotlinInstant()

/** The wake-up script of samples/scripts/automations, in virtual time; and sunrise triggers against USNO tables. */
class WakeUpScriptTest :
    FunSpec({
        test("the wake-up script fires Monday to Friday at 07:00 local, not at the weekend, across the DST change") {
            // Monday 2026-03-23 00:00 CET; Sunday 2026-03-29 Berlin moves from CET to CEST.
            val start = local(LocalDate.of(2026, 3, 23), "00:00", BERLIN)
            consumerTest(wakeUp, startTime = start, zone = BERLIN) {
                connect()
                advanceTimeBy(8.days)
                texts("home/scene/set") shouldBe List(6) { "wake-up" }
                at("home/scene/set", start) shouldBe listOf(
                    "2026-03-23T06:00:00Z",
                    "2026-03-24T06:00:00Z",
                    "2026-03-25T06:00:00Z",
                    "2026-03-26T06:00:00Z",
                    "2026-03-27T06:00:00Z", // 07:00 CET
                    "2026-03-30T05:00:00Z", // 07:00 CEST: no run on Saturday 28th or Sunday 29th
                )
                at("home/bedroom/blinds/set", start) shouldBe at("home/scene/set", start)
            }
        }

        test("the wake-up script across a restart: down over 07:00 for 4 minutes fires once at once, for hours not") {
            val start = local(LocalDate.of(2026, 3, 24), "06:58", BERLIN)
            consumerTest(wakeUp, startTime = start, zone = BERLIN) {
                connect()
                restart(downFor = 5.minutes) // back at 07:03, the 07:00 run 3 minutes late
                at("home/scene/set", start) shouldBe listOf("2026-03-24T06:03:00Z")
                advanceTimeBy(23.hours + 27.minutes) // Wednesday 06:30
                restart(downFor = 2.hours) // back at 08:30: a wake-up now would be wrong
                advanceTimeBy(1.hours)
                at("home/scene/set", start) shouldBe listOf("2026-03-24T06:03:00Z")
                advanceTimeBy(1.days) // Thursday 07:00 as usual
                at("home/scene/set", start) shouldBe listOf("2026-03-24T06:03:00Z", "2026-03-26T06:00:00Z")
                // A script's worker is named script:consumer.
                store.timers("wake-up:wake-up").single().deadline shouldBe
                    local(LocalDate.of(2026, 3, 27), "07:00", BERLIN)
            }
        }

        test("a sunrise trigger in a script fires within a minute of the USNO tables of Cleveland and Cupertino") {
            val newYork = ZoneId.of("America/New_York")
            consumerTest(
                sunrise,
                startTime = local(LocalDate.of(2018, 11, 1), "00:00", newYork),
                zone = newYork,
                location = UsnoTables.CLEVELAND,
            ) {
                connect()
                advanceTimeBy(UsnoTables.CLEVELAND_NOV_2018.size.days)
                val rises = texts("sun/rise").map { Instant.parse(it) }
                rises.size shouldBe UsnoTables.CLEVELAND_NOV_2018.size
                UsnoTables.CLEVELAND_NOV_2018.forEachIndexed { i, row ->
                    val table = local(LocalDate.of(2018, 11, i + 1), row.substringBefore(' '), newYork)
                    withClue("Cleveland 2018-11-${i + 1}") {
                        (rises[i] - table).absoluteValue shouldBeLessThanOrEqualTo 1.minutes
                    }
                }
            }
            val pst = ZoneId.of("-08:00")
            val start = local(LocalDate.of(2008, 1, 1), "00:00", pst)
            consumerTest(sunrise, startTime = start, zone = pst, location = UsnoTables.CUPERTINO) {
                connect()
                advanceTimeBy(366.days)
                val rises = texts("sun/rise").map { Instant.parse(it) }
                for ((day, row) in UsnoTables.CUPERTINO_2008) {
                    row.split(' ').chunked(2).forEachIndexed { month, (rise, _) ->
                        val date = LocalDate.of(2008, month + 1, day)
                        val table = local(date, "${rise.take(2)}:${rise.drop(2)}", pst)
                        withClue("Cupertino $date") {
                            rises.minOf { (it - table).absoluteValue } shouldBeLessThanOrEqualTo 1.minutes
                        }
                    }
                }
            }
        }

        test("a bad cron expression fails the script naming its line and the expression") {
            val dir = Files.createTempDirectory("wake-bad")
            val file = dir.resolve("wake.mqtt.kts")
            file.writeText("mqttConsumer(\"wake\") {\n    cron(\"0 7 * * 1-8\") { publish(\"x\", \"y\") }\n}\n")
            val error = shouldThrow<ScriptException> { loadTestScript(file.toString(), cache = scripts) }
            error.line shouldBe 2
            error.message shouldContain "wake.mqtt.kts:2: error: the script threw"
            error.message shouldContain "schedule 'cron(\"0 7 * * 1-8\")': day-of-week: 8 is out of range 0-7"
        }
    }) {
    private companion object {
        val scripts = ScriptCache(Files.createTempDirectory("wake-scripts"))
        val wakeUp by lazy {
            loadTestScript("../../samples/scripts/automations/wake-up.mqtt.kts", cache = scripts).consumer("wake-up")
        }
        val sunrise by lazy {
            val file = Files.createTempDirectory("sun-script").resolve("sunrise.mqtt.kts")
            file.writeText("mqttConsumer(\"sun\") { atSunrise { publish(\"sun/rise\", clock.now().toString()) } }\n")
            loadTestScript(file.toString(), cache = scripts).consumer("sun")
        }
    }
}

/** When the consumer published on [topic] (the test started at [start]), one instant per publish. */
private fun ConsumerTestScope.at(topic: String, start: Instant): List<String> =
    actionLog.filter { (it.action as? Publish)?.topic == topic }.map { (start + it.atMillis.milliseconds).toString() }

/** The payloads published on [topic]. */
private fun ConsumerTestScope.texts(topic: String): List<String> =
    published.filter { it.topic == topic }.map { it.text }
