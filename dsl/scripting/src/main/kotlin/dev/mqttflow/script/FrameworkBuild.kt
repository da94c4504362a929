package dev.mqttflow.script

import java.io.File
import java.security.MessageDigest

/**
 * Identifies this build of mqttflow, for the compiled-script cache: a SHA-256 over the bytes of the
 * `mqttflow-scripting` and `mqttflow-core` jars (or, when they run from class folders, over every
 * file's path and bytes there) and the Kotlin version. Any new build of either module, even one
 * that only changed a line, gives a new id, so a compiled script is never reused across builds.
 */
public object FrameworkBuild {
    /** The id of the running build, computed once (hashing about 1 MB: a few milliseconds). */
    public val id: String by lazy { idOf(ScriptClasspath.frameworkRoots()) }

    /** The build id of the jars or class folders in [roots]. */
    public fun idOf(roots: List<File>): String {
        val digest = MessageDigest.getInstance("SHA-256")
        digest.update(KotlinVersion.CURRENT.toString().encodeToByteArray())
        for (root in roots) {
            digest.update(root.name.encodeToByteArray())
            if (root.isDirectory) {
                root.walkTopDown().filter { it.isFile }.sortedBy { it.invariantSeparatorsPath }.forEach { file ->
                    digest.update(file.relativeTo(root).invariantSeparatorsPath.encodeToByteArray())
                    digest.update(file.readBytes())
                }
            } else if (root.isFile) {
                digest.update(root.readBytes())
            }
        }
        return digest.digest().toHex()
    }
}

internal fun ByteArray.toHex(): String = joinToString("") { "%02x".format(it) }
