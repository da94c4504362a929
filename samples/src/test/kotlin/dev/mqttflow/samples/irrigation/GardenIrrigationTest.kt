package dev.mqttflow.samples.irrigation

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.time.Instant

class GardenIrrigationTest :
    FunSpec({
        test("the valve opens only when watering is scheduled now and the soil is below the threshold") {
            valveCommand(scheduledNow = true, moisturePercent = 29.9, dryBelowPercent = 30.0) shouldBe "open"
            valveCommand(scheduledNow = true, moisturePercent = 30.0, dryBelowPercent = 30.0) shouldBe "close"
            valveCommand(scheduledNow = false, moisturePercent = 5.0, dryBelowPercent = 30.0) shouldBe "close"
        }

        test("the hour of the day follows the configured time zone") {
            val instant = Instant.parse("2026-06-01T23:30:00Z")
            hourOfDay(instant, ZoneOffset.UTC) shouldBe 23
            hourOfDay(instant, ZoneId.of("Europe/Berlin")) shouldBe 1
        }

        test("schedule entries take an hour 0-23 and on/off") {
            parseScheduleEntry("6", "on") shouldBe ScheduleEntry(6, true)
            parseScheduleEntry("23", " OFF ") shouldBe ScheduleEntry(23, false)
            parseScheduleEntry("0", "1") shouldBe ScheduleEntry(0, true)
        }

        test("bad schedule entries are refused") {
            listOf("24" to "on", "-1" to "on", "six" to "on", "6" to "maybe").map { (h, p) ->
                parseScheduleEntry(h, p)
            } shouldBe
                List(4) { null }
        }
    })
