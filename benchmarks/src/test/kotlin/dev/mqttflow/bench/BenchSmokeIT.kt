package dev.mqttflow.bench

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.time.ZonedDateTime

/**
 * Keeps the harness alive: every figure of `scripts/bench` on tiny sizes, against a Mosquitto it
 * starts, checking only that the counts add up. No thresholds: numbers from a CI machine mean nothing.
 */
class BenchSmokeIT :
    FunSpec({
        test("every figure runs end to end on tiny sizes, its counts add up and the report renders") {
            val sizes = Sizes.SMOKE
            val work = Files.createTempDirectory("mqttflow-bench-smoke-")
            val results = Bench(sizes, System.getProperty("java.class.path"), work).run()

            val bursts = results.throughput!!
            bursts.map { it.contender }.distinct() shouldContainExactly
                listOf("a: mosquitto_sub (C)", Bench.RAW, Bench.FLOW)
            bursts shouldHaveSize 3 * sizes.bursts.size * sizes.repetitions
            for (b in bursts) {
                b.sent shouldBe sizes.bursts.first { it.first == b.qos }.second
                if (b.qos >
                    0
                ) {
                    b.received shouldBe b.sent.toLong()
                } else {
                    b.received shouldBeLessThanOrEqual b.sent.toLong()
                }
                b.nanos shouldBeGreaterThan 0
            }

            val rtt = results.roundTrip!!
            rtt shouldHaveSize 3 * sizes.rtt.sumOf { if (it.fixedRate > 0) 2 else 1 }
            for (r in rtt) {
                val plan = sizes.rtt.first { it.qos == r.qos }
                val expected = if (r.mode == RoundTripFigure.ONE) plan.oneAtATime else plan.fixedRate
                (r.nanos.size + r.lost) shouldBe expected * sizes.repetitions
                r.lost shouldBe 0
                r.nanos.min() shouldBeGreaterThan 0
            }

            val memory = results.memory!!
            memory shouldHaveSize sizes.memoryRepetitions
            memory.forEach { it.workers shouldBe sizes.memoryWorkers }

            val startup = results.startup!!
            // The AppCDS contender needs a classpath of jars only; under failsafe it may be left out.
            // The JDK 25 rows run where a JDK 25 is found (on these machines: /usr/lib/jvm/temurin-25-*).
            val jdk25 =
                if (StartupFigure.jdk25() != null) listOf(StartupFigure.FLOW_25, StartupFigure.FLOW_AOT) else listOf()
            startup.map { it.contender }.filter { it != StartupFigure.FLOW_CDS } shouldContainExactly listOf(
                StartupFigure.C_SUB,
                StartupFigure.JVM_NOOP,
                StartupFigure.RAW,
                StartupFigure.FLOW,
            ) + jdk25
            startup.forEach { it.millis shouldHaveSize sizes.startupRepetitions }

            val router = results.router!!
            router.filters shouldBe sizes.routerFilters
            (router.matchesPerSecond > 0) shouldBe true

            results.otherLoad.keys.toList() shouldContainExactly Figure.entries
            val report = Report(results, ZonedDateTime.now(), null).render()
            listOf("## 1.", "## 2.", "## 3.", "## 4.", "## 5.", "## Targets").forEach { report shouldContain it }
            work.toFile().deleteRecursively()
        }
    })
