package dev.mqttflow.internal.hivemq

import com.hivemq.client.mqtt.MqttClientSslConfig
import dev.mqttflow.config.TlsConfig
import dev.mqttflow.errors.ConfigException
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyFactory
import java.security.KeyStore
import java.security.PrivateKey
import java.security.cert.Certificate
import java.security.cert.CertificateFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.TrustManagerFactory

/** Builds HiveMQ's SSL config from PEM files; every failure names the file. */
internal object Tls {
    fun sslConfig(tls: TlsConfig): MqttClientSslConfig {
        if ((tls.certFile == null) != (tls.keyFile == null)) {
            val (given, missing) = if (tls.certFile != null) "cert" to "key" else "key" to "cert"
            throw ConfigException(missing, "a client $given was given without a client $missing; give both or neither")
        }
        val builder = MqttClientSslConfig.builder()
        tls.caFile?.let { builder.trustManagerFactory(trustManagers(it)) }
        if (tls.certFile != null &&
            tls.keyFile != null
        ) {
            builder.keyManagerFactory(keyManagers(tls.certFile, tls.keyFile))
        }
        return builder.build()
    }

    private fun trustManagers(caFile: Path): TrustManagerFactory {
        val certs = certificates(caFile, "cacert")
        val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply { load(null, null) }
        certs.forEachIndexed { i, c -> store.setCertificateEntry("ca-$i", c) }
        return TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
    }

    private fun keyManagers(certFile: Path, keyFile: Path): KeyManagerFactory {
        val chain = certificates(certFile, "cert")
        val key = privateKey(keyFile)
        val password = CharArray(0)
        val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply { load(null, null) }
        store.setKeyEntry("client", key, password, chain.toTypedArray())
        return KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(store, password) }
    }

    private fun read(file: Path, option: String): String {
        if (!Files.isRegularFile(file)) throw ConfigException(option, "file not found: $file")
        return try {
            Files.readString(file)
        } catch (e: java.io.IOException) {
            throw ConfigException(option, "cannot read $file: ${e.message}", e)
        }
    }

    private fun certificates(file: Path, option: String): List<Certificate> =
        certificates(read(file, option), file, option)

    /** The certificates PEM [text] (read from [file], given as [option]) holds; [ConfigException] otherwise. */
    internal fun certificates(text: String, file: Path, option: String): List<Certificate> {
        val certs = try {
            CertificateFactory.getInstance("X.509").generateCertificates(text.byteInputStream()).toList()
        } catch (e: java.security.cert.CertificateException) {
            throw ConfigException(option, "$file is not a PEM certificate: ${e.message}", e)
        }
        if (certs.isEmpty()) throw ConfigException(option, "$file holds no certificate")
        return certs
    }

    private fun privateKey(file: Path): PrivateKey = privateKey(read(file, "key"), file)

    /** The private key PEM [text] (read from [file]) holds; [ConfigException] otherwise. */
    @Suppress("ThrowsCount")
    internal fun privateKey(text: String, file: Path): PrivateKey {
        val pem = Regex("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----").find(text)
            ?: throw ConfigException("key", "$file is not a PEM private key")
        val type = pem.groupValues[1]
        val der = try {
            Base64.getMimeDecoder().decode(pem.groupValues[2].trim())
        } catch (e: IllegalArgumentException) {
            throw ConfigException("key", "$file holds a '$type' whose base64 is damaged: ${e.message}", e)
        }
        val pkcs8 = when (type) {
            "PRIVATE KEY" -> der

            "RSA PRIVATE KEY" -> Asn1.wrapPkcs1Rsa(der)

            else -> throw ConfigException(
                "key",
                "$file holds a '$type', which is not supported; convert it with " +
                    "'openssl pkcs8 -topk8 -nocrypt -in $file'",
            )
        }
        for (algorithm in listOf("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(PKCS8EncodedKeySpec(pkcs8))
            } catch (_: java.security.GeneralSecurityException) {
                continue
            }
        }
        throw ConfigException("key", "$file holds a key that is neither RSA, EC nor Ed25519")
    }
}

/** Just enough DER to wrap a PKCS#1 RSA key into PKCS#8. */
@Suppress("MagicNumber")
private object Asn1 {
    private val RSA_ALGORITHM = byteArrayOf(
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86.toByte(), 0x48, 0x86.toByte(), 0xf7.toByte(),
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    )
    private val VERSION_0 = byteArrayOf(0x02, 0x01, 0x00)

    fun wrapPkcs1Rsa(pkcs1: ByteArray): ByteArray {
        val octets = tlv(0x04, pkcs1)
        return tlv(0x30, VERSION_0 + RSA_ALGORITHM + octets)
    }

    private fun tlv(tag: Int, body: ByteArray): ByteArray {
        val n = body.size
        val length = when {
            n < 0x80 -> byteArrayOf(n.toByte())
            n < 0x100 -> byteArrayOf(0x81.toByte(), n.toByte())
            n < 0x10000 -> byteArrayOf(0x82.toByte(), (n shr 8).toByte(), n.toByte())
            n < 0x1000000 -> byteArrayOf(0x83.toByte(), (n shr 16).toByte(), (n shr 8).toByte(), n.toByte())
            else -> byteArrayOf(0x84.toByte(), (n shr 24).toByte(), (n shr 16).toByte(), (n shr 8).toByte(), n.toByte())
        }
        return byteArrayOf(tag.toByte()) + length + body
    }
}
