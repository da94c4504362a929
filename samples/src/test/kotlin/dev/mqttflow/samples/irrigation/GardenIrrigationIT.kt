package dev.mqttflow.samples.irrigation

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.samples.MutableClock
import dev.mqttflow.samples.awaitUntil
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import java.time.ZoneOffset
import kotlin.time.Duration.Companion.hours
import kotlin.time.Instant

class GardenIrrigationIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val dir = Files.createTempDirectory("irrigation-it")
        afterSpec {
            broker.close()
            dir.toFile().deleteRecursively()
        }

        test("the valve opens only in a scheduled hour with dry soil, by the injected clock") {
            val clock = MutableClock(Instant.parse("2026-06-01T06:30:00Z"))
            sqliteIn(dir).use { db ->
                val garden = gardenIrrigation(IrrigationSettings(zone = ZoneOffset.UTC))
                runSampleFlow(broker, db, garden, clock) { raw ->
                    raw.subscribe("garden/+/valve")
                    raw.publish("garden/roses/schedule/6", "on")
                    awaitUntil("the schedule row is stored") {
                        db.transaction { IrrigationSchedule.selectAll().count() } == 1L
                    }
                    raw.publish("garden/roses/moisture", "20")
                    raw.next() shouldBe ("garden/roses/valve" to "open")
                    raw.publish("garden/roses/moisture", "45")
                    raw.next() shouldBe ("garden/roses/valve" to "close")
                    raw.publish("garden/tulips/moisture", "10")
                    raw.next() shouldBe ("garden/tulips/valve" to "close")
                    clock.now += 1.hours
                    raw.publish("garden/roses/moisture", "20")
                    raw.next() shouldBe ("garden/roses/valve" to "close")
                }
            }
        }
    })
