package dev.mqttflow.internal.outbox

import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.runBlocking
import java.nio.file.Files

class DurableOutboxTest :
    FunSpec({
        test("stored publishes survive reopening the file, minus the removed ones, properties included") {
            val file = Files.createTempDirectory("outbox-test-").resolve("outbox.db")
            val props = MessageProperties(
                userProperties = listOf("a" to "1", "a" to "2"),
                contentType = "text/plain",
                responseTopic = "re/ply",
                correlationData = byteArrayOf(1, 2),
                messageExpiryInterval = 60,
            )
            val kept =
                listOf(Publish("t/1", "one", qos = 1), Publish("t/3", "three".encodeToByteArray(), 2, true, props))
            runBlocking {
                DurableOutbox(file).use { outbox ->
                    outbox.store(kept[0])
                    val removed = outbox.store(Publish("t/2", "two", qos = 1))
                    outbox.store(kept[1])
                    outbox.remove(removed)
                }
                DurableOutbox(file).use { outbox -> outbox.pending().map { it.second } shouldBe kept }
            }
            file.parent.toFile().deleteRecursively()
        }
    })
