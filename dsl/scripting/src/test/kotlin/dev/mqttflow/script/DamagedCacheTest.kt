package dev.mqttflow.script

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.ByteArrayOutputStream
import java.io.File
import java.util.jar.JarEntry
import java.util.jar.JarFile
import java.util.jar.JarOutputStream
import kotlin.script.experimental.host.FileScriptSource

/**
 * Cache entries that ScriptCacheFuzzTest found mishandled (docs/fuzzing.md): a jar whose manifest
 * reads but whose class does not load was a cache hit that failed only when the script ran. Now it
 * is a miss: the script is compiled again, runs, and replaces the entry.
 */
class DamagedCacheTest :
    FunSpec({
        val text = """
            mqttConsumer("echo") {
                onMessage { msg -> publish("echo/out", msg.text) }
            }
            """

        /** Compiles the echo script into a new cache; returns the script and its jar. */
        fun cached(): Pair<File, File> {
            val dir = TestScripts.newCacheDir().toPath()
            val file = TestScripts.write("echo.mqtt.kts", text)
            ScriptHost(ScriptCache(dir)).load(file)
            val jar = ScriptCache(dir).jarFor(FileScriptSource(file, file.readText()), defaultConfiguration)
            System.getProperty("mqttflow.fuzz.seedJar")?.let { jar.copyTo(File(it), overwrite = true) }
            return file to jar
        }

        fun mainClassEntry(jar: File): String =
            JarFile(jar).use { it.manifest.mainAttributes.getValue("Main-Class").replace('.', '/') + ".class" }

        fun compiledAgain(file: File, jar: File) {
            val host = ScriptHost(ScriptCache(jar.parentFile.toPath()))
            val script = host.load(file)
            script.fromCache shouldBe false
            host.compilations shouldBe 1
            script.consumers.size shouldBe 1
            ScriptHost(ScriptCache(jar.parentFile.toPath())).load(file).fromCache shouldBe true
        }

        test("a jar whose class file was damaged on disk (a bad checksum) is compiled again") {
            val (file, jar) = cached()
            val bytes = jar.readBytes()
            val name = mainClassEntry(jar).encodeToByteArray()
            val at = (0..bytes.size - name.size).first { i -> name.indices.all { bytes[i + it] == name[it] } }
            // The local header's name, then its data: flip a byte a little way into the data.
            bytes[at + name.size + DATA_OFFSET] = (bytes[at + name.size + DATA_OFFSET].toInt() xor 0x5a).toByte()
            jar.writeBytes(bytes)
            compiledAgain(file, jar)
        }

        test("a jar whose class file is not a class (checksums right) is compiled again") {
            val (file, jar) = cached()
            val entries = JarFile(jar).use { j ->
                j.entries().toList().associate {
                    it.name to
                        j.getInputStream(it).readBytes()
                }
            }
            val manifest = JarFile(jar).use { it.manifest }
            val main = mainClassEntry(jar)
            val out = ByteArrayOutputStream()
            JarOutputStream(out, manifest).use { zip ->
                for ((name, content) in entries) {
                    if (name == JarFile.MANIFEST_NAME) continue
                    zip.putNextEntry(JarEntry(name))
                    zip.write(if (name == main) "not a class".encodeToByteArray() else content)
                    zip.closeEntry()
                }
            }
            jar.writeBytes(out.toByteArray())
            compiledAgain(file, jar)
        }
    }) {
    private companion object {
        const val DATA_OFFSET = 20
    }
}
