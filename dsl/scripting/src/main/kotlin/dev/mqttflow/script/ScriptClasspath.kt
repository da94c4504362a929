package dev.mqttflow.script

import dev.mqttflow.consumer.Consumer
import kotlinx.coroutines.CoroutineScope
import kotlinx.serialization.json.JsonElement
import org.slf4j.Logger
import java.io.File
import java.nio.file.Paths
import kotlin.script.experimental.jvm.util.classpathFromClassloader

/**
 * The classpath scripts compile against: the whole classpath of the process that hosts them (so a
 * script can use any library the application has), plus, to be sure in any layout (the CLI's
 * `lib/` folder, surefire, an IDE), the jars or class folders of the mqttflow and Kotlin classes a
 * script always needs.
 */
internal object ScriptClasspath {
    private val KEY_CLASSES = listOf(
        MqttFlowScriptScope::class.java, // mqttflow-scripting
        Consumer::class.java, // mqttflow-core
        Unit::class.java, // kotlin-stdlib
        CoroutineScope::class.java, // kotlinx-coroutines-core
        JsonElement::class.java, // kotlinx-serialization-json
        kotlinx.serialization.KSerializer::class.java, // kotlinx-serialization-core
        Logger::class.java, // slf4j-api
    )

    /** The classpath, computed once. */
    fun current(): List<File> = classpath

    private val classpath: List<File> by lazy {
        val loader = MqttFlowScriptScope::class.java.classLoader
        val whole = classpathFromClassloader(loader).orEmpty()
        (keyClassRoots() + whole).map { it.absoluteFile }.distinct().filter { it.exists() }
    }

    /** Where mqttflow's own classes come from (jars or folders): what a new build changes. */
    fun frameworkRoots(): List<File> =
        listOf(MqttFlowScriptScope::class.java, Consumer::class.java).mapNotNull { codeSource(it) }.distinct()

    private fun keyClassRoots(): List<File> = KEY_CLASSES.mapNotNull { codeSource(it) }

    private fun codeSource(type: Class<*>): File? =
        type.protectionDomain?.codeSource?.location?.let { Paths.get(it.toURI()).toFile() }
}
