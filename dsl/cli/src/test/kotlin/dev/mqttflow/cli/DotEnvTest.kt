package dev.mqttflow.cli

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files

class DotEnvTest :
    FunSpec({
        fun parse(text: String) = DotEnv.parse(text.trimIndent(), ".env").mapValues { it.value.value }

        test("reads KEY=VALUE lines, skipping blanks and comments") {
            parse(
                """
                # broker
                MQTT_HOSTNAME=broker.local

                MQTT_PORT = 8883
                """,
            ) shouldBe mapOf("MQTT_HOSTNAME" to "broker.local", "MQTT_PORT" to "8883")
        }

        test("knows the export prefix, quotes, escapes and trailing comments") {
            parse(
                """
                export MQTT_USERNAME=alice
                MQTT_PASSWORD='p#ss word'
                MQTT_WILL_PAYLOAD="line one\nsaid \"bye\""  # a comment
                MQTT_CLIENT_ID=kitchen # trailing comment
                MQTT_WS_PATH=/a#b
                """,
            ) shouldBe mapOf(
                "MQTT_USERNAME" to "alice",
                "MQTT_PASSWORD" to "p#ss word",
                "MQTT_WILL_PAYLOAD" to "line one\nsaid \"bye\"",
                "MQTT_CLIENT_ID" to "kitchen",
                "MQTT_WS_PATH" to "/a#b",
            )
        }

        test("remembers the line each value came from") {
            DotEnv.parse("# c\n\nA=1\nB=2\n", ".env")["B"]?.line shouldBe 4
        }

        test("a line without '=' is an error naming file and line, without repeating the line") {
            val e = shouldThrow<DotEnvException> { DotEnv.parse("A=1\n\nMQTT_PASSWORD s3cret\n", "conf/.env") }
            e.message shouldBe "conf/.env:3: expected KEY=VALUE, found no '='"
            e.message shouldNotContain "s3cret"
        }

        test("a key that is not a name is an error naming the line") {
            shouldThrow<DotEnvException> { DotEnv.parse("A=1\n2BAD=x\n", ".env") }.where shouldBe ".env:2"
        }

        test("an unclosed quote is an error naming the line, without the value") {
            val e = shouldThrow<DotEnvException> { DotEnv.parse("MQTT_PASSWORD=\"s3cret\n", ".env") }
            e.message shouldContain ".env:1"
            e.message shouldNotContain "s3cret"
        }

        test("text after a closing quote is an error") {
            shouldThrow<DotEnvException> { DotEnv.parse("A='x' y\n", ".env") }.where shouldBe ".env:1"
        }

        test("a missing file is no file, a directory is an error") {
            val dir = Files.createTempDirectory("dotenv-")
            DotEnv.read(dir.resolve(".env")) shouldBe null
            Files.createDirectory(dir.resolve(".env"))
            shouldThrow<DotEnvException> { DotEnv.read(dir.resolve(".env")) }.message shouldContain "cannot read it"
        }
    })
