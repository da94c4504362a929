package dev.mqttflow.samples.energy

import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import org.jetbrains.exposed.v1.jdbc.selectAll
import org.slf4j.LoggerFactory
import java.nio.file.Files

class EnergyMonitorIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val dir = Files.createTempDirectory("energy-it")
        val logger = LoggerFactory.getLogger("mqttflow.samples.energy") as Logger
        val warnings = ListAppender<ILoggingEvent>().apply { start() }
        logger.addAppender(warnings)
        afterSpec {
            logger.detachAppender(warnings)
            broker.close()
            dir.toFile().deleteRecursively()
        }

        test("readings are stored, the ones above the threshold alert, and garbage is only logged") {
            sqliteIn(dir).use { db ->
                runSampleFlow(broker, db, energyMonitor(EnergySettings(thresholdWatts = 3000.0))) { raw ->
                    raw.subscribe("home/alerts/#")
                    raw.publish("home/energy/oven", "banana")
                    raw.publish("home/energy/oven", "3500")
                    raw.next() shouldBe
                        ("home/alerts/energy" to """{"device":"oven","watts":3500.0,"threshold":3000.0}""")
                    raw.publish("home/energy/fridge", "120.5")
                    raw.publish("home/energy/kettle", "3000.1")
                    raw.next() shouldBe
                        ("home/alerts/energy" to """{"device":"kettle","watts":3000.1,"threshold":3000.0}""")
                }
                val rows = db.transaction {
                    EnergyReadings.selectAll().map { it[EnergyReadings.device] to it[EnergyReadings.watts] }
                }
                rows shouldContainExactly listOf("oven" to 3500.0, "fridge" to 120.5, "kettle" to 3000.1)
            }
            warnings.list.map { it.formattedMessage } shouldContainExactly
                listOf("home/energy/oven: 'banana' is not a number of watts; reading skipped")
        }
    })
