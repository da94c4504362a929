package dev.mqttflow.script

import java.io.File
import java.io.IOException
import java.io.InputStream
import java.util.jar.JarFile
import java.util.zip.ZipException

/** Checks a compiled-script jar of the [ScriptCache] before the Kotlin scripting host trusts it. */
internal object CachedJar {
    /** At most this many bytes are read from one jar: a cached script is a few kilobytes. */
    private const val MAX_BYTES = 64L * 1024 * 1024
    private const val MAX_ENTRIES = 10_000

    /**
     * What is wrong with [jar], or null: it must be a readable jar (every entry's checksum right)
     * with a manifest whose `Main-Class` has its class file in the jar.
     */
    fun problem(jar: File): String? = try {
        JarFile(jar, true).use { file ->
            val main = file.manifest?.mainAttributes?.getValue("Main-Class")
            when {
                main.isNullOrBlank() -> "no Main-Class in its manifest"
                file.getJarEntry(main.replace('.', '/') + ".class") == null -> "no class file for $main"
                else -> readAll(file)
            }
        }
    } catch (e: IOException) {
        "not a readable jar (${e.javaClass.simpleName}: ${e.message})"
    } catch (e: SecurityException) {
        "a jar with a bad signature (${e.message})"
    } catch (e: IllegalArgumentException) {
        // ZipFile throws it for entry names or comments that are not valid in the jar's charset.
        "not a readable jar (${e.message})"
    }

    /** Reads every entry to its end, which checks its CRC; null when all are intact. */
    private fun readAll(file: JarFile): String? {
        var total = 0L
        var count = 0
        val buffer = ByteArray(DEFAULT_BUFFER_SIZE)
        for (entry in file.entries()) {
            if (++count > MAX_ENTRIES) return "more than $MAX_ENTRIES entries"
            total += file.getInputStream(entry).use { drain(it, buffer, MAX_BYTES - total) }
        }
        return null
    }

    /** Reads [input] to its end; the bytes read. Throws [ZipException] past [limit] bytes. */
    private fun drain(input: InputStream, buffer: ByteArray, limit: Long): Long {
        var read = 0L
        while (true) {
            val n = input.read(buffer)
            if (n < 0) return read
            read += n
            if (read > limit) throw ZipException("more than $MAX_BYTES bytes uncompressed")
        }
    }
}
