package dev.mqttflow.script

import kotlin.script.experimental.annotations.KotlinScript
import kotlin.script.experimental.api.ScriptAcceptedLocation
import kotlin.script.experimental.api.ScriptCompilationConfiguration
import kotlin.script.experimental.api.acceptedLocations
import kotlin.script.experimental.api.compilerOptions
import kotlin.script.experimental.api.defaultImports
import kotlin.script.experimental.api.ide
import kotlin.script.experimental.api.implicitReceivers
import kotlin.script.experimental.jvm.jvm
import kotlin.script.experimental.jvm.jvmTarget
import kotlin.script.experimental.jvm.updateClasspath

/**
 * The script definition of `*.mqtt.kts` files: automations made of `mqttConsumer { … }` blocks.
 *
 * ```kotlin
 * // hall-light.mqtt.kts: no imports needed
 * mqttConsumer("lights") {
 *     onConnect { subscribe("home/hall/motion", qos = 1) }
 *     onMessage { publish("home/lights/hall/set", "on", qos = 1) }
 * }
 * ```
 *
 * `this` in a script is a [MqttFlowScriptScope]; [ScriptDefaults.IMPORTS] are imported. Load
 * scripts with [ScriptHost].
 */
@KotlinScript(
    displayName = ScriptDefaults.DISPLAY_NAME,
    fileExtension = ScriptDefaults.EXTENSION,
    compilationConfiguration = MqttFlowScriptCompilation::class,
)
public abstract class MqttFlowScript

/**
 * How `*.mqtt.kts` scripts compile: default imports, the implicit receiver, JVM 17, mqttflow's classpath,
 * the kotlinx.serialization compiler plugin.
 */
public object MqttFlowScriptCompilation : ScriptCompilationConfiguration({
    defaultImports(ScriptDefaults.IMPORTS)
    implicitReceivers(MqttFlowScriptScope::class)
    jvm {
        // Scripts compile to JVM 1.8 by default, where the DSL's inline functions do not inline.
        jvmTarget(ScriptDefaults.JVM_TARGET)
        updateClasspath(ScriptClasspath.current())
    }
    compilerOptions(ScriptCompilerPlugins.options)
    ide { acceptedLocations(ScriptAcceptedLocation.Everywhere) }
})

/** What every script gets without asking. */
public object ScriptDefaults {
    /** The file name ending of scripts. */
    public const val EXTENSION: String = "mqtt.kts"

    /** What tools call these scripts. */
    public const val DISPLAY_NAME: String = "mqttflow script"

    /** The JVM bytecode target scripts compile to. */
    public const val JVM_TARGET: String = "17"

    /** The imports every script has: the DSL, the protocol, layers, schedules, time units, coroutines, JSON. */
    public val IMPORTS: List<String> = listOf(
        "dev.mqttflow.dsl.*",
        "dev.mqttflow.consumer.*",
        "dev.mqttflow.protocol.*",
        "dev.mqttflow.layer.*",
        "dev.mqttflow.worker.*",
        "dev.mqttflow.automation.*",
        "dev.mqttflow.automation.schedule.*",
        "java.time.DayOfWeek",
        "dev.mqttflow.database.*",
        "org.jetbrains.exposed.v1.core.Table",
        "org.jetbrains.exposed.v1.core.eq",
        "org.jetbrains.exposed.v1.core.and",
        "org.jetbrains.exposed.v1.jdbc.insert",
        "org.jetbrains.exposed.v1.jdbc.selectAll",
        "org.jetbrains.exposed.v1.jdbc.deleteWhere",
        "org.jetbrains.exposed.v1.jdbc.update",
        "dev.mqttflow.script.json",
        "dev.mqttflow.script.publishJson",
        "dev.mqttflow.script.decode",
        "kotlinx.serialization.Serializable",
        "kotlinx.serialization.encodeToString",
        "kotlinx.serialization.decodeFromString",
        "kotlinx.serialization.serializer",
        "kotlin.time.Duration",
        "kotlin.time.Duration.Companion.*",
        "kotlin.time.Clock",
        "kotlin.time.Instant",
        "kotlinx.coroutines.delay",
        "kotlinx.coroutines.launch",
        "kotlinx.coroutines.async",
        "kotlinx.coroutines.withTimeout",
        "kotlinx.coroutines.withTimeoutOrNull",
        "kotlinx.coroutines.Job",
        "kotlinx.serialization.json.*",
    )

    /** The script name of [fileName]: `hall-light` for `hall-light.mqtt.kts`. */
    public fun scriptName(fileName: String): String = fileName.removeSuffix(".$EXTENSION").removeSuffix(".kts")
}
