package dev.mqttflow.internal.hivemq

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.fuzz.valueOr
import java.nio.file.Path
import java.util.Base64

/**
 * Fuzzes the hand-written PEM and PKCS#1 reading in [Tls] (docs/fuzzing.md). Seeds: real keys and
 * certificates made with openssl, and broken ones, in `TlsFuzzTestInputs/<method>/`.
 */
class TlsFuzzTest {
    private val keyFile = Path.of("fuzz", "client.key")
    private val certFile = Path.of("fuzz", "client.crt")

    /** A whole key file. */
    @FuzzTest(maxDuration = "2m")
    fun privateKey(data: ByteArray) = key(String(data, Charsets.ISO_8859_1))

    /** The DER inside `-----BEGIN RSA PRIVATE KEY-----`, which [Tls] wraps into PKCS#8 by hand. */
    @FuzzTest(maxDuration = "2m")
    fun rsaPrivateKeyDer(data: ByteArray) = key(pem("RSA PRIVATE KEY", data))

    /** The DER inside `-----BEGIN PRIVATE KEY-----` (PKCS#8), tried as RSA, EC and Ed25519. */
    @FuzzTest(maxDuration = "2m")
    fun pkcs8PrivateKeyDer(data: ByteArray) = key(pem("PRIVATE KEY", data))

    /** A whole certificate (or CA) file. */
    @FuzzTest(maxDuration = "2m")
    fun certificates(data: ByteArray) {
        val text = String(data, Charsets.ISO_8859_1)
        valueOr<ConfigException>(text, { it.startsWith("cert: ") && certFile.toString() in it }) {
            check(Tls.certificates(text, certFile, "cert").isNotEmpty())
        }
    }

    private fun key(text: String) {
        valueOr<ConfigException>(text, { it.startsWith("key: ") && keyFile.toString() in it }) {
            Tls.privateKey(text, keyFile)
        }
    }

    private fun pem(type: String, der: ByteArray): String =
        "-----BEGIN $type-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END $type-----\n"
}
