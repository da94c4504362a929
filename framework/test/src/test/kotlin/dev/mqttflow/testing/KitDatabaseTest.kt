package dev.mqttflow.testing

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.DeclaresTables
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.transaction
import dev.mqttflow.it.consumer
import dev.mqttflow.protocol.Message
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import kotlin.time.Duration.Companion.minutes

private object Notes : Table("notes") {
    val id = long("id").autoIncrement()
    val text = varchar("text", 200)
    override val primaryKey = PrimaryKey(id)
}

/** Stores each message's text in [Notes], a minute of (virtual) work later, inside the transaction. */
private class Notebook :
    Consumer,
    DeclaresTables {
    override val name = "notebook"
    override val tables: List<Table> = listOf(Notes)

    override suspend fun onConnect(context: ConsumerContext) {
        context.subscribe("notes/+", qos = 1)
    }

    override suspend fun onMessage(context: ConsumerContext, message: Message) {
        val count = context.transaction {
            delay(1.minutes)
            Notes.insert { it[text] = message.text }
            Notes.selectAll().count()
        }
        context.publish("out/count", count)
    }
}

private suspend fun MqttFlowDatabase.texts(): List<String> = transaction { Notes.selectAll().map { it[Notes.text] } }

class KitDatabaseTest :
    FunSpec({
        test("a consumer that declares tables gets them in a private database, and time in transactions is virtual") {
            consumerTest(Notebook()) {
                connect()
                publish("notes/a", "first", qos = 1)
                expectNoAction()
                advanceTimeBy(1.minutes)
                expectPublish("out/count", "1")
                currentTime shouldBe 1.minutes.inWholeMilliseconds
                database.texts() shouldContainExactly listOf("first")
            }
        }

        test("each test starts with an empty database of its own") {
            repeat(2) {
                consumerTest(Notebook()) {
                    connect()
                    database.texts() shouldBe emptyList()
                    publish("notes/a", "again", qos = 1)
                    advanceTimeBy(1.minutes)
                    expectPublish("out/count", "1")
                }
            }
        }

        test("a database URL given to the kit is used, and what the test stored stays there") {
            val dir = Files.createTempDirectory("mqttflow-kit-db")
            val url = "jdbc:sqlite:${dir.resolve("kit.db")}"
            try {
                consumerTest(Notebook(), databaseUrl = url) {
                    connect()
                    publish("notes/a", "kept", qos = 1)
                    advanceTimeBy(1.minutes)
                    expectPublish("out/count", "1")
                }
                MqttFlowDatabase.connect(url).use { it.texts() shouldContainExactly listOf("kept") }
            } finally {
                dir.toFile().deleteRecursively()
            }
        }

        test("a consumer without tables has no database, and saying so is the failure") {
            consumerTest(consumer("plain")) {
                connect()
                shouldThrow<AssertionError> { database }.message shouldContain "pass consumerTest(databaseUrl"
            }
        }
    })
