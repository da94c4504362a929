package dev.mqttflow.testing.examples

import dev.mqttflow.consumer.publish
import dev.mqttflow.it.consumer
import dev.mqttflow.protocol.Publish
import dev.mqttflow.testing.consumerTest
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.days
import kotlin.time.Duration.Companion.hours
import kotlin.time.TimeSource
import kotlin.time.measureTime

/** Adds up what the energy meters report and publishes the total once a day. */
fun dailyEnergyReport() = AtomicLong().let { total ->
    consumer("daily-energy", onConnect = {
        subscribe("meter/+/wh", qos = 1)
        launch {
            while (true) {
                delay(1.days)
                publish("report/daily", "${total.getAndSet(0)} Wh", qos = 1, retain = true)
            }
        }
    }) { msg -> total.addAndGet(msg.text.toLong()) }
}

/** A year of daily reports, in virtual time. */
fun aYearOfDailyReports() = consumerTest(dailyEnergyReport()) {
    connect()
    publish("meter/kitchen/wh", "1200")
    publish("meter/garage/wh", "800")
    advanceTimeBy(23.hours)
    expectNoAction()
    advanceTimeBy(1.hours)
    expectPublish("report/daily", "2000 Wh")

    advanceTimeBy(364.days)
    actions.count { it is Publish } shouldBe 365
    retained("report/daily")?.text shouldBe "0 Wh"
    currentTime shouldBe 365.days.inWholeMilliseconds
}

class VirtualTimeExampleTest :
    FunSpec({
        test("a year of daily reports takes milliseconds, not a year") {
            val realTime = TimeSource.Monotonic.measureTime { aYearOfDailyReports() }
            println("VirtualTimeExampleTest: 365 virtual days took $realTime of real time")
        }

        test("the same year five more times, to measure it once the JVM is warm (printed, not asserted)") {
            val runs = List(5) { TimeSource.Monotonic.measureTime { aYearOfDailyReports() } }
            println("VirtualTimeExampleTest: warm runs took ${runs.joinToString()}")
        }
    })
