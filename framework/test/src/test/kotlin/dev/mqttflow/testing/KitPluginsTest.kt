package dev.mqttflow.testing

import dev.mqttflow.database.DatabasePlugin
import dev.mqttflow.database.MqttFlowDatabase
import dev.mqttflow.it.consumer
import dev.mqttflow.testing.features.Notebook
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Dispatchers

class KitPluginsTest :
    FunSpec({
        val settings = { url: String? -> KitPlugins.settings(url, "consumerTest(databaseUrl)", Dispatchers.Unconfined) }

        test("a database URL without mqttflow-exposed on the classpath names the dependency to add") {
            val e = shouldThrow<IllegalArgumentException> {
                KitPlugins(consumer("plain"), settings("jdbc:sqlite:/tmp/x.db"), installed = emptyList())
            }
            e.message shouldBe "consumerTest(databaseUrl) = 'jdbc:sqlite:/tmp/x.db' needs mqttflow-exposed on the " +
                "test classpath: add the dependency dev.mqttflow:mqttflow-exposed (test scope) beside mqttflow-test"
        }

        test("without mqttflow-exposed a test without a URL runs, and has no database") {
            consumerTest(consumer("plain", onConnect = { subscribe("a") })) {
                connect()
                shouldThrow<AssertionError> { database }.message shouldContain "declares no tables"
            }
            KitPlugins(consumer("plain"), settings(null), installed = emptyList()).plugins.shouldBeEmpty()
        }

        test("the database plugin is found on the classpath, as production finds it, and asked for the test's") {
            val found = KitPlugins(Notebook(), settings(null))
            found.plugins.size shouldBe 1
            (found.plugins.single() is DatabasePlugin) shouldBe false // the test's own, which closes its database
            found.open()
            found.context[MqttFlowDatabase] shouldNotBe null
            found.close()
            KitPlugins(consumer("plain"), settings(null)).plugins.shouldBeEmpty()
        }
    })
