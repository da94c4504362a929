package dev.mqttflow.database

import dev.mqttflow.MqttFlowPlugin
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.errors.WorkerException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeSameInstanceAs
import kotlinx.coroutines.runBlocking
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import java.nio.file.Files
import kotlin.coroutines.EmptyCoroutineContext

private object Readings : Table("plugin_readings") {
    val value = integer("value")
}

class DatabasePluginTest :
    FunSpec({
        val dir = Files.createTempDirectory("mqttflow-plugin-test")
        afterSpec { dir.toFile().deleteRecursively() }

        test("mqttflow-exposed registers its plugin, so MqttFlow finds it on the classpath") {
            MqttFlowPlugin.installed().filterIsInstance<DatabasePlugin>() shouldHaveSize 1
        }

        test("a DatabasePlugin passed to MqttFlow replaces the one found on the classpath") {
            val mine = DatabasePlugin()
            MqttFlowPlugin.resolve(listOf(mine)).filterIsInstance<DatabasePlugin>().single() shouldBeSameInstanceAs mine
        }

        test("the DSL's tables(…) are created in the run's database before the consumer starts") {
            val consumer = mqttConsumer("meter") { tables(Readings) }
            MqttFlowDatabase.connect("jdbc:sqlite:${dir.resolve("a.db")}").use { db ->
                val plugin = DatabasePlugin(db)
                runBlocking {
                    val context = plugin.open(listOf(consumer))
                    context[MqttFlowDatabase] shouldBeSameInstanceAs db
                    plugin.beforeStart(listOf(consumer), context)
                    db.transaction { Readings.insert { it[value] = 7 } }
                    db.transaction { Readings.selectAll().map { it[Readings.value] } } shouldContainExactly listOf(7)
                    plugin.close(context)
                    db.transaction { Readings.selectAll().count() } shouldBe 1 // a given database stays open
                }
            }
        }

        test("a consumer that declares tables in a run without a database is refused, by name") {
            val consumer = mqttConsumer("meter") { tables(Readings) }
            val e = shouldThrow<WorkerException> {
                runBlocking { DatabasePlugin().beforeStart(listOf(consumer), EmptyCoroutineContext) }
            }
            e.message shouldContain "'meter'"
        }

        test("with no database given, a run whose consumers declare no tables opens none") {
            runBlocking { DatabasePlugin().open(listOf(mqttConsumer("plain") { })) } shouldBe EmptyCoroutineContext
        }
    })
