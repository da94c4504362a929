package dev.mqttflow.build

import org.jetbrains.kotlin.abi.tools.AbiFilters
import org.jetbrains.kotlin.abi.tools.AbiTools
import java.nio.file.Files

/**
 * A published module's public API as JetBrains' ABI dump of its compiled classes (the format of the
 * binary-compatibility validator and of kotlinx.coroutines' `api/` files): Kotlin-aware, so `internal`
 * declarations are left out, and so are those marked `@InternalMqttFlowApi`.
 */
object ApiDump {
    private const val INTERNAL_MARKER = "dev.mqttflow.InternalMqttFlowApi"
    private const val REGENERATE = "scripts/api-dump"
    private val tools: AbiTools = AbiTools.getInstance(AbiTools::class.java.classLoader)
    private val filters = AbiFilters(emptySet(), emptySet(), emptySet(), setOf(INTERNAL_MARKER))

    /** The dump of [module]'s `target/classes` (the dumper takes class files, not folders). */
    fun dump(module: PublishedModule): String {
        val classFiles = Files.walk(module.classes).use { paths ->
            paths.filter { it.toString().endsWith(".class") }.sorted().map { it.toFile() }.toList()
        }
        return StringBuilder().also { tools.printJvmDump(it, classFiles, filters) }.toString()
    }

    /** Writes [module]'s dump to its committed place, `DIR/api/ARTIFACT.api`. */
    fun write(module: PublishedModule) {
        Files.createDirectories(module.dump.parent)
        Files.writeString(module.dump, dump(module))
    }

    /** Null when [module]'s API is its committed dump; else what differs and how to accept it. */
    fun check(module: PublishedModule): String? {
        val shown = root.relativize(module.dump)
        if (!Files.isRegularFile(module.dump)) {
            return "${module.artifactId} has no API dump at $shown: run $REGENERATE and commit it"
        }
        val actual = dump(module)
        if (actual == Files.readString(module.dump)) return null
        val fresh = root.resolve(module.dir).resolve("target/api/${module.artifactId}.api")
        Files.createDirectories(fresh.parent)
        Files.writeString(fresh, actual)
        return "${module.artifactId}'s public API changed (below: - the committed $shown, + the compiled classes).\n" +
            "If the change is intended, run $REGENERATE and commit $shown; if not, undo it.\n" +
            tools.filesDiff(module.dump.toFile(), fresh.toFile())
    }
}
