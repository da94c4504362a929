package dev.mqttflow.it

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.DatabasePlugin
import dev.mqttflow.database.DeclaresTables
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.database.transaction
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.protocol.Message
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.SchemaUtils
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import kotlin.time.Duration.Companion.seconds

object Temperatures : Table("temperatures") {
    val id = long("id").autoIncrement()
    val room = varchar("room", 64)
    val celsius = double("celsius")
    override val primaryKey = PrimaryKey(id)
}

/** Stores every reading of `it/db/{room}` and publishes how many rows the table holds. */
class RecordingConsumer(private val ready: CompletableDeferred<Unit>) :
    Consumer,
    DeclaresTables {
    override val name = "recorder"
    override val tables = listOf(Temperatures)

    override suspend fun onConnect(context: ConsumerContext) {
        context.subscribe("it/db/+", qos = 1)
        ready.complete(Unit)
    }

    override suspend fun onMessage(context: ConsumerContext, message: Message) {
        val count = context.transaction {
            Temperatures.insert {
                it[room] = message.topic.substringAfterLast('/')
                it[celsius] = message.text.toDouble()
            }
            Temperatures.selectAll().count()
        }
        context.publish("it/db-out", "rows=$count", qos = 1)
    }
}

class DatabaseIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val postgres = Postgres.start()
        val dir = Files.createTempDirectory("mqttflow-db-it")
        afterSpec {
            broker.close()
            postgres.close()
            dir.toFile().deleteRecursively()
        }
        val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port)

        suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

        suspend fun roundTrip(db: MqttFlowDatabase) = coroutineScope {
            db.transaction { SchemaUtils.listTables().any { it.endsWith("temperatures", ignoreCase = true) } } shouldBe
                false
            RawClient(broker.port).use { raw ->
                raw.subscribe("it/db-out")
                val ready = CompletableDeferred<Unit>()
                val job =
                    launch { MqttFlow(config, plugins = listOf(DatabasePlugin(db))).run(RecordingConsumer(ready)) }
                withTimeout(20.seconds) { ready.await() }
                io { raw.publish("it/db/kitchen", "21.5") }
                io { raw.next() } shouldBe ("it/db-out" to "rows=1")
                io { raw.publish("it/db/hall", "19") }
                io { raw.next() } shouldBe ("it/db-out" to "rows=2")
                job.cancelAndJoin()
            }
            db.transaction {
                Temperatures.selectAll().map { it[Temperatures.room] to it[Temperatures.celsius] }
            } shouldContainExactly
                listOf("kitchen" to 21.5, "hall" to 19.0)
        }

        test("SQLite: declared tables are created at startup and handlers store through transaction") {
            MqttFlowDatabase.connect("jdbc:sqlite:${dir.resolve("it.db")}").use { roundTrip(it) }
        }

        test("PostgreSQL: declared tables are created at startup and handlers store through transaction") {
            MqttFlowDatabase.connect(postgres.url).use { roundTrip(it) }
        }

        test("PostgreSQL: a failed transaction rolls back") {
            MqttFlowDatabase.connect(postgres.url).use { db ->
                shouldThrow<IllegalStateException> {
                    db.transaction {
                        Temperatures.insert {
                            it[room] = "ghost"
                            it[celsius] = 0.0
                        }
                        error("roll back")
                    }
                }
                db.transaction { Temperatures.selectAll().count() } shouldBe 2L
            }
        }

        test("PostgreSQL: a server nobody listens on gives one clear line without the password") {
            val port = EmbeddedBroker.freePort()
            val url = "jdbc:postgresql://127.0.0.1:$port/test?user=postgres&password=hunter2"
            val e = shouldThrow<ConfigException> { MqttFlowDatabase.connect(url) }
            e.message shouldStartWith "database URL: cannot open database 'jdbc:postgresql://127.0.0.1:$port/test?" +
                "user=postgres&password=****': "
            e.message shouldContain "refused"
            e.message shouldNotContain "hunter2"
            e.message!!.lines().size shouldBe 1
        }

        test("PostgreSQL: an unknown database is named in the error") {
            val e = shouldThrow<ConfigException> {
                MqttFlowDatabase.connect(postgres.url.replace("/test?", "/no_such_db_here?"))
            }
            e.message shouldContain "no_such_db_here"
        }
    })
