package dev.mqttflow.samples.door

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.time.Duration

class DoorLeftOpenAlarmIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val dir = Files.createTempDirectory("door-it")
        afterSpec {
            broker.close()
            dir.toFile().deleteRecursively()
        }

        test("the Java consumer alerts on a door left open and when it is closed, through a real broker") {
            sqliteIn(dir).use { db ->
                runSampleFlow(broker, db, DoorLeftOpenAlarm(Duration.ofSeconds(2))) { raw ->
                    raw.subscribe(DoorLeftOpenAlarm.ALERT_TOPIC)
                    raw.publish("home/back/contact", "open")
                    raw.publish("home/back/contact", "closed") // in time: no alert for the back door
                    raw.publish("home/front/contact", "open")
                    raw.next() shouldBe (DoorLeftOpenAlarm.ALERT_TOPIC to "the front door has been open for 2 seconds")
                    raw.publish("home/front/contact", "closed")
                    raw.next() shouldBe (DoorLeftOpenAlarm.ALERT_TOPIC to "the front door is closed again")
                }
            }
        }
    })
