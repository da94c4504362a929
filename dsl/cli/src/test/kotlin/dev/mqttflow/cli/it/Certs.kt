package dev.mqttflow.cli.it

import java.io.FileInputStream
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.util.concurrent.TimeUnit

/**
 * A test CA, a server certificate for 127.0.0.1/localhost and a client certificate, made with
 * `openssl` in a temporary directory. Fails loudly when openssl is missing (.ci/run installs it).
 */
class Certs : AutoCloseable {
    val dir: Path = Files.createTempDirectory("mqttflow-tls-")
    val caCert: Path = dir.resolve("ca.crt")
    val serverCert: Path = dir.resolve("server.crt")
    val serverKey: Path = dir.resolve("server.key")
    val clientCert: Path = dir.resolve("client.crt")

    /** Signed by the same CA, but for another host name only: hostname verification must refuse it. */
    val otherHostCert: Path = dir.resolve("otherhost.crt")
    val otherHostKey: Path = dir.resolve("otherhost.key")

    /** PKCS#8 (`BEGIN PRIVATE KEY`), what openssl 3 writes by default. */
    val clientKey: Path = dir.resolve("client.key")

    /** The same key as PKCS#1 (`BEGIN RSA PRIVATE KEY`), what older tools write. */
    val clientKeyPkcs1: Path = dir.resolve("client-pkcs1.key")

    init {
        openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=mqttflow test CA",
            "-keyout", "ca.key", "-out", "ca.crt",
        )
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        signed("server", "/CN=localhost", "server.ext")
        signed("client", "/CN=mqttflow-test-client", null)
        Files.writeString(dir.resolve("otherhost.ext"), "subjectAltName=DNS:elsewhere.example\n")
        signed("otherhost", "/CN=elsewhere.example", "otherhost.ext")
        openssl("pkey", "-in", "client.key", "-traditional", "-out", "client-pkcs1.key")
    }

    private fun signed(name: String, subject: String, extensions: String?) {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", "$name.key", "-out", "$name.csr")
        val sign = mutableListOf(
            "x509", "-req", "-in", "$name.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-out", "$name.crt",
        )
        if (extensions != null) sign += listOf("-extfile", extensions)
        openssl(*sign.toTypedArray())
    }

    /** A PKCS#12 trust store holding the CA: what `-Djavax.net.ssl.trustStore` points the JVM at. */
    fun trustStore(password: String): Path {
        val store = KeyStore.getInstance("PKCS12").apply { load(null, null) }
        FileInputStream(caCert.toFile()).use {
            store.setCertificateEntry(
                "mqttflow-test-ca",
                CertificateFactory.getInstance("X.509").generateCertificate(it),
            )
        }
        val file = dir.resolve("truststore.p12")
        Files.newOutputStream(file).use { store.store(it, password.toCharArray()) }
        return file
    }

    private fun openssl(vararg args: String) {
        val process = ProcessBuilder(listOf("openssl") + args).directory(dir.toFile()).redirectErrorStream(true).start()
        val output = process.inputStream.readAllBytes().decodeToString()
        check(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0) {
            "openssl ${args.joinToString(" ")} failed: $output"
        }
    }

    override fun close() {
        dir.toFile().deleteRecursively()
    }
}
