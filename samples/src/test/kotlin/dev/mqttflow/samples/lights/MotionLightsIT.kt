package dev.mqttflow.samples.lights

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds

class MotionLightsIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val dir = Files.createTempDirectory("motion-lights-it")
        afterSpec {
            broker.close()
            dir.toFile().deleteRecursively()
        }

        test("motion turns the room's light on, stores the event, and the light goes off after the quiet period") {
            sqliteIn(dir).use { db ->
                val lights = motionLights(MotionLightsSettings(quietPeriod = 300.milliseconds))
                runSampleFlow(broker, db, lights) { raw ->
                    raw.subscribe("home/lights/#")
                    raw.publish("home/hall/motion", "0")
                    raw.publish("home/kitchen/motion", "1")
                    raw.next() shouldBe ("home/lights/kitchen/set" to "on")
                    raw.next() shouldBe ("home/lights/kitchen/set" to "off")
                }
                val rooms = db.transaction { MotionEvents.selectAll().map { it[MotionEvents.room] } }
                rooms shouldContainExactly listOf("kitchen")
            }
        }
    })
