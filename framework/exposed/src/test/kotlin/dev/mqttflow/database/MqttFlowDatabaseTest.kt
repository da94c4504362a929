package dev.mqttflow.database

import dev.mqttflow.errors.ConfigException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import java.util.concurrent.Executors
import kotlin.time.Duration.Companion.hours

object Notes : Table("notes") {
    val id = long("id").autoIncrement()
    val text = varchar("text", 200)
    override val primaryKey = PrimaryKey(id)
}

@OptIn(ExperimentalCoroutinesApi::class)
class MqttFlowDatabaseTest :
    FunSpec({
        val dir = Files.createTempDirectory("mqttflow-db-test")
        afterSpec { dir.toFile().deleteRecursively() }
        var n = 0
        fun sqliteUrl() = "jdbc:sqlite:${dir.resolve("t${n++}.db")}"

        suspend fun MqttFlowDatabase.texts() = transaction { Notes.selectAll().map { it[Notes.text] } }

        test("a transaction commits what it inserts and returns its result") {
            MqttFlowDatabase.connect(sqliteUrl()).use { db ->
                db.createMissingTables(Notes)
                val id = db.transaction { Notes.insert { it[text] = "hello" } get Notes.id }
                id shouldBe 1L
                db.texts() shouldContainExactly listOf("hello")
            }
        }

        test("a transaction that throws leaves nothing behind") {
            MqttFlowDatabase.connect(sqliteUrl()).use { db ->
                db.createMissingTables(Notes)
                shouldThrow<IllegalStateException> {
                    db.transaction {
                        Notes.insert { it[text] = "half done" }
                        error("boom")
                    }
                }
                db.texts() shouldBe emptyList()
            }
        }

        test("creating tables again keeps the rows already there") {
            val url = sqliteUrl()
            MqttFlowDatabase.connect(url).use { db ->
                db.createMissingTables(Notes)
                db.transaction { Notes.insert { it[text] = "kept" } }
            }
            MqttFlowDatabase.connect(url).use { db ->
                db.createMissingTables(Notes)
                db.texts() shouldContainExactly listOf("kept")
            }
        }

        test("a nested transaction joins the outer one and rolls back with it") {
            MqttFlowDatabase.connect(sqliteUrl()).use { db ->
                db.createMissingTables(Notes)
                shouldThrow<IllegalStateException> {
                    db.transaction {
                        Notes.insert { it[text] = "outer" }
                        db.transaction { Notes.insert { it[text] = "inner" } }
                        error("undo both")
                    }
                }
                db.texts() shouldBe emptyList()
            }
        }

        test("the JDBC work runs on the injected IO dispatcher, not the caller's") {
            val io = Executors.newSingleThreadExecutor { Thread(it, "test-io") }.asCoroutineDispatcher()
            io.use {
                MqttFlowDatabase.connect(sqliteUrl(), io).use { db ->
                    db.createMissingTables(Notes)
                    val thread = withContext(Dispatchers.Default) { db.transaction { Thread.currentThread().name } }
                    thread shouldStartWith "test-io"
                }
            }
        }

        test("with the test dispatcher injected, time inside a transaction is virtual") {
            runTest {
                val db = MqttFlowDatabase.connect(sqliteUrl(), StandardTestDispatcher(testScheduler))
                db.use {
                    db.createMissingTables(Notes)
                    db.transaction {
                        Notes.insert { it[text] = "before" }
                        delay(2.hours)
                        Notes.insert { it[text] = "after" }
                    }
                    currentTime shouldBe 2.hours.inWholeMilliseconds
                    db.texts() shouldContainExactly listOf("before", "after")
                }
            }
        }

        test("concurrent read-then-write transactions on SQLite all succeed, none lost") {
            MqttFlowDatabase.connect(sqliteUrl()).use { db ->
                db.createMissingTables(Notes)
                withContext(Dispatchers.Default) {
                    (1..40).map {
                        async {
                            db.transaction {
                                val count = Notes.selectAll().count()
                                Notes.insert { it[text] = "after $count" }
                            }
                        }
                    }.awaitAll()
                }
                db.texts().toSet() shouldBe (0..39).map { "after $it" }.toSet()
            }
        }

        test("a shared in-memory SQLite database lives until it is closed") {
            MqttFlowDatabase.connect("jdbc:sqlite:file:notes${n++}?mode=memory&cache=shared").use { db ->
                db.createMissingTables(Notes)
                db.transaction { Notes.insert { it[text] = "in memory" } }
                db.texts() shouldContainExactly listOf("in memory")
            }
        }

        test("a URL that is not JDBC is refused in one line naming the option") {
            val e = shouldThrow<ConfigException> { MqttFlowDatabase.connect("postgres://db/x") }
            e.option shouldBe "database URL"
            e.message shouldStartWith "database URL: not a JDBC URL"
            e.message shouldContain "postgres://db/x"
            e.message!!.lines().size shouldBe 1
        }

        test("a database kind without a dialect is refused") {
            val e = shouldThrow<ConfigException> { MqttFlowDatabase.connect("jdbc:nosuchdb://h/x") }
            e.message shouldContain "no SQL dialect"
        }

        test("a private in-memory SQLite URL is refused with the shared form to use instead") {
            val e = shouldThrow<ConfigException> { MqttFlowDatabase.connect("jdbc:sqlite::memory:") }
            e.message shouldContain "mode=memory&cache=shared"
        }

        test("an SQLite file in a missing folder fails at connect with the driver's reason") {
            val e = shouldThrow<ConfigException> {
                MqttFlowDatabase.connect("jdbc:sqlite:/no/such/folder/x.db", option = "MQTTFLOW_DB_URL")
            }
            e.message shouldStartWith "MQTTFLOW_DB_URL: cannot open database 'jdbc:sqlite:/no/such/folder/x.db': "
            e.message!!.lines().size shouldBe 1
        }

        test("passwords never appear in errors or in the shown URL") {
            val e = shouldThrow<ConfigException> {
                MqttFlowDatabase.connect("jdbc:nosuchdb://h/x?user=me&password=s3cret")
            }
            e.message shouldNotContain "s3cret"
            DatabaseUrls.redact("jdbc:postgresql://me:s3cret@h/db") shouldBe "jdbc:postgresql://me:****@h/db"
            DatabaseUrls.redact("jdbc:postgresql://h/db?user=me&password=s3cret&ssl=true") shouldBe
                "jdbc:postgresql://h/db?user=me&password=****&ssl=true"
        }

        test("the option wins over the environment, which wins over the default") {
            val env = mapOf(MqttFlowDatabase.ENV_URL to "jdbc:sqlite:env.db")
            MqttFlowDatabase.resolveUrl("jdbc:sqlite:opt.db", env) shouldBe ("jdbc:sqlite:opt.db" to "database URL")
            MqttFlowDatabase.resolveUrl(null, env) shouldBe ("jdbc:sqlite:env.db" to "MQTTFLOW_DB_URL")
            MqttFlowDatabase.resolveUrl(" ", emptyMap()).first shouldBe MqttFlowDatabase.DEFAULT_URL
        }

        test("a bad URL from the environment is reported under the variable's name") {
            val env = mapOf(MqttFlowDatabase.ENV_URL to "nonsense")
            val e = shouldThrow<ConfigException> { MqttFlowDatabase.fromEnvironment(env) }
            e.option shouldBe "MQTTFLOW_DB_URL"
        }

        test("blocking callers can use it too") {
            MqttFlowDatabase.connect(sqliteUrl()).use { db ->
                runBlocking { db.createMissingTables(Notes) }
                runBlocking { db.transaction { Notes.insert { it[text] = "from Java" } } }
                runBlocking { db.texts() } shouldContainExactly listOf("from Java")
            }
        }
    })
