package dev.mqttflow.script

import java.io.File
import java.net.JarURLConnection
import java.nio.file.Paths

/**
 * The Kotlin compiler plugins scripts compile with: kotlinx.serialization's, so `@Serializable data
 * class Reading(…)` in a `.mqtt.kts` gets its generated serializer and `msg.decode<Reading>()` works.
 *
 * The plugin is the `kotlin-serialization-compiler-plugin-embeddable` jar on this process's class
 * path (a dependency of `mqttflow-scripting`, at the Kotlin version of the compiler). Its absolute
 * path is part of the compilation options and so of the compiled-script cache key: another plugin
 * version gives another key.
 */
internal object ScriptCompilerPlugins {
    private const val SERIALIZATION_REGISTRAR =
        "org/jetbrains/kotlinx/serialization/compiler/extensions/SerializationComponentRegistrar.class"

    /** The compiler options that load the plugins, computed once. */
    val options: List<String> by lazy { listOf("-Xplugin=${serializationPlugin().absolutePath}") }

    /** The jar (or class folder) that holds the serialization plugin; a clear error when it is missing. */
    fun serializationPlugin(loader: ClassLoader = ScriptCompilerPlugins::class.java.classLoader): File {
        val url = loader.getResource(SERIALIZATION_REGISTRAR) ?: error(
            "the kotlinx.serialization compiler plugin is not on the class path " +
                "(org.jetbrains.kotlin:kotlin-serialization-compiler-plugin-embeddable): scripts cannot compile",
        )
        return when (url.protocol) {
            "jar" -> Paths.get((url.openConnection() as JarURLConnection).jarFileURL.toURI()).toFile()

            else -> {
                // A class folder: strip the class's own path to get the root.
                val file = Paths.get(url.toURI()).toFile()
                generateSequence(file) { it.parentFile }.drop(SERIALIZATION_REGISTRAR.count { it == '/' } + 1).first()
            }
        }
    }
}
