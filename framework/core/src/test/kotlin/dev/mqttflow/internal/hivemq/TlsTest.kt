package dev.mqttflow.internal.hivemq

import dev.mqttflow.config.TlsConfig
import dev.mqttflow.errors.ConfigException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path

/** Key files TlsFuzzTest found mishandled (docs/fuzzing.md). */
class TlsTest :
    FunSpec({
        val dir = Files.createTempDirectory("mqttflow-tls-")
        afterSpec { dir.toFile().deleteRecursively() }
        val cert: Path = dir.resolve("client.crt").also {
            val seed = TlsTest::class.java.getResource("TlsFuzzTestInputs/certificates/ec.crt")!!
            Files.write(it, seed.readBytes())
        }

        test("a PEM key whose base64 is damaged is a ConfigException naming the file") {
            val key = dir.resolve("client.key")
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nA\n-----END PRIVATE KEY-----\n")
            val e = shouldThrow<ConfigException> { Tls.sslConfig(TlsConfig(certFile = cert, keyFile = key)) }
            e.message!! shouldContain key.toString()
            e.message!! shouldContain "base64"
        }
    })
