package dev.mqttflow.build

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

/** -Dapi.update=true (scripts/api-dump): write the dumps instead of checking them. */
private val update = System.getProperty("api.update") == "true"

class ApiDumpTest :
    FunSpec({
        test("every published module's public API is its committed dump (scripts/api-dump regenerates them)") {
            publishedModules.map { it.artifactId } shouldContainAll listOf("mqttflow-core", "mqttflow-test")
            val problems = publishedModules.mapNotNull { module ->
                withClue("${module.dir} is not compiled: build it first (mvn -pl framework/build-tools -am …)") {
                    Files.isDirectory(module.classes) shouldBe true
                }
                if (update) null.also { ApiDump.write(module) } else ApiDump.check(module)
            }
            problems.joinToString("\n\n").ifEmpty { null }.shouldBeNull()
        }

        test("the dump leaves out Kotlin internal declarations and @InternalMqttFlowApi ones") {
            val core = ApiDump.dump(publishedModules.single { it.artifactId == "mqttflow-core" })
            core shouldContain "public final class dev/mqttflow/MqttFlow "
            core shouldContain "public final class dev/mqttflow/protocol/Message "
            core shouldNotContain "dev/mqttflow/internal/Runtime "
            // errors.abbreviate is public in bytecode, but marked @InternalMqttFlowApi
            core shouldNotContain "abbreviate"
        }
    })
