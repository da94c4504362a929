package dev.mqttflow.cli

import dev.mqttflow.consumer.Consumer
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class TargetsTest :
    FunSpec({
        val workDir = java.nio.file.Files.createTempDirectory("targets-")
        val targets = Targets.standard(
            TargetsTest::class.java.classLoader,
            ScriptTargetLoader(dev.mqttflow.script.ScriptHost(cache = null), workDir),
        )
        val fixtures = "dev.mqttflow.cli.fixtures"

        fun names(vararg target: String): List<String> = targets.load(target.toList()).map(Consumer::name)

        fun failure(target: String): String = shouldThrow<TargetException> { targets.load(listOf(target)) }.message!!

        test("a top-level val") {
            names("$fixtures.FixturesKt#echo") shouldBe listOf("echo")
        }

        test("a top-level function without arguments") {
            names("$fixtures.FixturesKt#viaFunction") shouldBe listOf("via-function")
        }

        test("a list of consumers") {
            names("$fixtures.FixturesKt#many") shouldBe listOf("first", "second")
        }

        test("a class implementing Consumer with a no-argument constructor") {
            names("$fixtures.ClassConsumer") shouldBe listOf("class-consumer")
        }

        test("a Kotlin object implementing Consumer") {
            names("$fixtures.ObjectConsumer") shouldBe listOf("object-consumer")
        }

        test("a member of a Kotlin object and of a companion") {
            names("$fixtures.Holder#inObject", "$fixtures.WithCompanion#inCompanion") shouldBe
                listOf("in-object", "in-companion")
        }

        test("several targets run together, in order") {
            names("$fixtures.FixturesKt#echo", "$fixtures.ClassConsumer") shouldBe listOf("echo", "class-consumer")
        }

        test("a class that is not a consumer says so") {
            failure("$fixtures.Holder") shouldContain "is not a dev.mqttflow.consumer.Consumer; it has #inObject"
        }

        test("a consumer class without a no-argument constructor says so") {
            failure("$fixtures.NoDefaultConstructor") shouldContain "no public no-argument constructor"
        }

        test("a getter that throws names the getter and the exception") {
            failure("$fixtures.FixturesKt#throwing") shouldContain
                "FixturesKt.getThrowing() threw IllegalStateException: this getter fails on purpose"
        }

        test("an empty list is not a consumer") {
            failure("$fixtures.FixturesKt#emptyList") shouldContain "empty list"
        }

        test("a top-level name without the Kt class gets a hint") {
            failure("$fixtures.Fixtures#echo") shouldContain "lives in class LightsKt"
        }

        test("malformed targets") {
            failure("#echo") shouldContain "expected CLASS or CLASS#MEMBER"
            failure("$fixtures.FixturesKt#") shouldContain "expected CLASS or CLASS#MEMBER"
        }

        test("a script target is a file: a missing one is named with its full path") {
            failure("automations/lights.mqtt.kts") shouldContain
                "target 'automations/lights.mqtt.kts': file not found: ${workDir.resolve(
                    "automations/lights.mqtt.kts",
                )}"
        }
    })
