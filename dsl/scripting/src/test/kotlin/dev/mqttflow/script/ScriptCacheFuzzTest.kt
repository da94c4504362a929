package dev.mqttflow.script

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.errors.ScriptException
import dev.mqttflow.fuzz.valueOr
import java.io.File
import java.nio.file.Files
import kotlin.script.experimental.host.FileScriptSource
import kotlin.time.Duration

/**
 * Fuzzes reading the compiled-script cache (docs/fuzzing.md): whatever bytes sit where a script's
 * jar should be, [ScriptCache.get] returns null (a miss: the script is compiled again) or a script
 * that [ScriptHost.load] runs or refuses with a [ScriptException] naming the script; nothing else.
 * Seeds: a jar the cache wrote, damaged copies of it, and jars made by hand.
 */
class ScriptCacheFuzzTest {
    @FuzzTest(maxDuration = "2m")
    fun cachedJar(data: ByteArray) {
        jar.writeBytes(data)
        valueOr<ScriptException>(data, { it.startsWith(script.path) }) {
            val compiled = cache.get(source, defaultConfiguration) ?: return
            host.load(ScriptResult(script, script.path, emptyList(), compiled, true, Duration.ZERO))
        }
    }

    private companion object {
        // One cache for every input (JUnit makes an instance per seed in regression mode).
        val dir: File = Files.createTempDirectory("mqttflow-cache-fuzz-").toFile()
        val script: File = dir.resolve("fuzz.mqtt.kts").apply { writeText("mqttConsumer(\"fuzz\") {}\n") }
        val source = FileScriptSource(script, script.readText())
        val cache = ScriptCache(dir.resolve("cache").toPath(), buildId = "fuzz")
        val host = ScriptHost(cache = null, environment = emptyMap())
        val jar: File = cache.jarFor(source, defaultConfiguration).apply { parentFile.mkdirs() }
    }
}
