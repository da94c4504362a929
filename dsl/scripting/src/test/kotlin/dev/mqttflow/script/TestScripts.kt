package dev.mqttflow.script

import java.io.File
import java.nio.file.Files

/** Temporary script files, and one compiled-script cache for the tests of this JVM. */
object TestScripts {
    val dir: File = Files.createTempDirectory("mqttflow-scripts-").toFile().also { dir ->
        Runtime.getRuntime().addShutdownHook(Thread { dir.deleteRecursively() })
    }

    /** A cache folder of its own, so that tests count hits and misses of their own scripts only. */
    fun newCacheDir(): File = Files.createTempDirectory(dir.toPath(), "cache-").toFile()

    /** Writes [text] to `<dir>/<sub>/<name>` (a new folder each call) and returns the file. */
    fun write(name: String, text: String): File {
        val folder = Files.createTempDirectory(dir.toPath(), "s-").toFile()
        return folder.resolve(name).apply { writeText(text.trimIndent() + "\n") }
    }
}
