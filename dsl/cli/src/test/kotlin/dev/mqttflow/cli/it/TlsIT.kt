package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.cli.InProcessCli
import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/**
 * The three TLS modes against a Mosquitto TLS listener with certificates this test makes:
 * mutual TLS (client certificate + key + CA), CA only, and system trust (`--use-ssl` alone: the
 * JVM's trust store, which the child JVM is pointed at with `-Djavax.net.ssl.trustStore`).
 * The echo consumer connects over TLS; the test talks to the same broker on its plain listener.
 */
class TlsIT :
    FunSpec({
        val certs = Certs()
        val mutualPort = EmbeddedBroker.freePort()
        val caOnlyPort = EmbeddedBroker.freePort()
        val otherHostPort = EmbeddedBroker.freePort()
        val tlsFiles = "cafile ${certs.caCert}\ncertfile ${certs.serverCert}\nkeyfile ${certs.serverKey}"
        val broker = Mosquitto(
            extraConfig = """
                user root
                listener $mutualPort 127.0.0.1
                $tlsFiles
                require_certificate true
                listener $caOnlyPort 127.0.0.1
                $tlsFiles
                listener $otherHostPort 127.0.0.1
                cafile ${certs.caCert}
                certfile ${certs.otherHostCert}
                keyfile ${certs.otherHostKey}
            """.trimIndent(),
        )
        afterSpec {
            broker.close()
            certs.close()
        }

        fun echoOverTls(port: Int, args: List<String>, env: Map<String, String> = emptyMap()) {
            RawClient(broker.port).use { raw ->
                raw.subscribe("echo/out/#")
                val cli = InProcessCli(listOf("run", "-H", "127.0.0.1", "-p", "$port") + args + ECHO, env).start()
                raw.awaitEcho("tls")
                cli.stop()
                cli.await().code shouldBe 0
            }
        }

        test("mutual TLS: client certificate, key and CA") {
            echoOverTls(
                mutualPort,
                listOf("-C", "${certs.clientCert}", "-K", "${certs.clientKey}", "-S", "${certs.caCert}"),
            )
        }

        test("mutual TLS from the environment, with a PKCS#1 key") {
            echoOverTls(
                mutualPort,
                emptyList(),
                mapOf(
                    "TLS_CERT" to "${certs.clientCert}",
                    "TLS_KEY" to "${certs.clientKeyPkcs1}",
                    "TLS_CA" to "${certs.caCert}",
                ),
            )
        }

        test("the mutual-TLS listener really requires the client certificate") {
            val result = InProcessCli(
                listOf("run", "-H", "127.0.0.1", "-p", "$mutualPort", "-S", "${certs.caCert}", "-r", "1", ECHO),
            ).run()
            result.code shouldBe 1
            result.errorLines shouldHaveSize 1
            result.errorLines.single() shouldContain "cannot connect to the broker at 127.0.0.1:$mutualPort"
        }

        test("CA only: the broker is verified against the given CA") {
            echoOverTls(caOnlyPort, listOf("-S", "${certs.caCert}"))
        }

        test("a broker certificate for another host name is refused, though its CA is trusted") {
            val result = InProcessCli(
                listOf("run", "-H", "127.0.0.1", "-p", "$otherHostPort", "-S", "${certs.caCert}", "-r", "1", ECHO),
            ).run()
            result.code shouldBe 1
            result.errorLines shouldHaveSize 1
            result.errorLines.single() shouldContain "cannot connect to the broker at 127.0.0.1:$otherHostPort"
            result.errorLines.single() shouldContain "subject alternative names" // the JDK's hostname check
        }

        test("system trust: --use-ssl alone verifies the broker with the JVM's trust store") {
            val trustStore = certs.trustStore("changeit")
            RawClient(broker.port).use { raw ->
                raw.subscribe("echo/out/#")
                ChildCli(
                    listOf("run", "-H", "127.0.0.1", "-p", "$caOnlyPort", "--use-ssl", ECHO),
                    jvmOptions = listOf(
                        "-Djavax.net.ssl.trustStore=$trustStore",
                        "-Djavax.net.ssl.trustStorePassword=changeit",
                        "-Djavax.net.ssl.trustStoreType=PKCS12",
                    ),
                ).use { child ->
                    raw.awaitEcho("system-trust")
                    child.terminate()
                    child.awaitExitCode() shouldBe 0
                }
            }
        }

        test("system trust without the CA in the JVM's trust store fails with one line, exit 1") {
            ChildCli(listOf("run", "-H", "127.0.0.1", "-p", "$caOnlyPort", "--use-ssl", "-r", "1", ECHO)).use { child ->
                child.awaitExitCode() shouldBe 1
                val errors = child.err().lines().filter { it.startsWith("mqttflow: error:") }
                errors shouldHaveSize 1
                errors.single() shouldContain "cannot connect to the broker at 127.0.0.1:$caOnlyPort"
            }
        }
    })
