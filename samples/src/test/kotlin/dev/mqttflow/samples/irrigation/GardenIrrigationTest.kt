package dev.mqttflow.samples.irrigation

import dev.mqttflow.protocol.Subscribe
import dev.mqttflow.testing.ConsumerTestScope
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant

/** Starts the consumer and takes its two subscriptions. */
private suspend fun ConsumerTestScope.connectAndSubscribe() {
    connect()
    nextAction()
}

class GardenIrrigationTest :
    FunSpec({
        val utc = IrrigationSettings(zone = ZoneOffset.UTC)
        val sixThirty = Instant.parse("2026-06-01T06:30:00Z")

        test("the valve opens only in a scheduled hour with dry soil; the hour comes from the clock") {
            consumerTest(gardenIrrigation(utc), startTime = sixThirty) {
                connect() shouldBe Subscribe("garden/+/moisture", qos = 1)
                nextAction() shouldBe Subscribe("garden/+/schedule/+", qos = 1)

                publish("garden/roses/schedule/6", "on", qos = 1)
                expectNoAction()
                publish("garden/roses/moisture", "20", qos = 1)
                expectPublish("garden/roses/valve", "open")
                publish("garden/roses/moisture", "45", qos = 1)
                expectPublish("garden/roses/valve", "close")
                publish("garden/tulips/moisture", "10", qos = 1) // no schedule for tulips
                expectPublish("garden/tulips/valve", "close")

                advanceTimeBy(29.minutes) // 06:59: still the scheduled hour
                publish("garden/roses/moisture", "20", qos = 1)
                expectPublish("garden/roses/valve", "open")
                advanceTimeBy(1.minutes) // 07:00: not scheduled
                publish("garden/roses/moisture", "20", qos = 1)
                expectPublish("garden/roses/valve", "close")
            }
        }

        test("a schedule row can be switched off again, and the next day's same hour is scheduled too") {
            consumerTest(gardenIrrigation(utc), startTime = sixThirty) {
                connectAndSubscribe()
                publish("garden/roses/schedule/6", "on", qos = 1)
                advanceTimeBy(24.hours)
                publish("garden/roses/moisture", "5", qos = 1)
                expectPublish("garden/roses/valve", "open")
                publish("garden/roses/schedule/6", "off", qos = 1)
                publish("garden/roses/moisture", "5", qos = 1)
                expectPublish("garden/roses/valve", "close")
                val rows = database.transaction {
                    IrrigationSchedule.selectAll().map {
                        Triple(it[IrrigationSchedule.zone], it[IrrigationSchedule.hour], it[IrrigationSchedule.active])
                    }
                }
                rows shouldContainExactly listOf(Triple("roses", 6, false))
            }
        }

        test("hours are those of the configured time zone") {
            val berlin = IrrigationSettings(zone = ZoneId.of("Europe/Berlin"))
            consumerTest(gardenIrrigation(berlin), startTime = Instant.parse("2026-06-01T04:15:00Z")) {
                connectAndSubscribe()
                publish("garden/roses/schedule/6", "on", qos = 1) // 06:15 in Berlin (summer time)
                publish("garden/roses/moisture", "10", qos = 1)
                expectPublish("garden/roses/valve", "open")
            }
        }

        test("bad schedule entries and readings are skipped without failing the consumer") {
            consumerTest(gardenIrrigation(utc), startTime = sixThirty) {
                connectAndSubscribe()
                publish("garden/roses/schedule/24", "on")
                publish("garden/roses/schedule/6", "maybe")
                publish("garden/roses/moisture", "wet")
                expectNoAction()
                failures.shouldBeEmpty()
                database.transaction { IrrigationSchedule.selectAll().count() } shouldBe 0L
            }
        }

        test("the valve opens only when watering is scheduled now and the soil is below the threshold") {
            valveCommand(scheduledNow = true, moisturePercent = 29.9, dryBelowPercent = 30.0) shouldBe "open"
            valveCommand(scheduledNow = true, moisturePercent = 30.0, dryBelowPercent = 30.0) shouldBe "close"
            valveCommand(scheduledNow = false, moisturePercent = 5.0, dryBelowPercent = 30.0) shouldBe "close"
        }

        test("schedule entries take an hour 0-23 and on/off; anything else is refused") {
            parseScheduleEntry("6", "on") shouldBe ScheduleEntry(6, true)
            parseScheduleEntry("23", " OFF ") shouldBe ScheduleEntry(23, false)
            parseScheduleEntry("0", "1") shouldBe ScheduleEntry(0, true)
            listOf("24" to "on", "-1" to "on", "six" to "on", "6" to "maybe").map { (h, p) ->
                parseScheduleEntry(h, p)
            } shouldBe List(4) { null }
        }
    })
