package dev.mqttflow.script

import java.io.File
import java.nio.file.Paths
import kotlin.time.TimeSource

/**
 * Prints where the time goes when a script is compiled or taken from the cache, in a fresh JVM:
 * `ScriptTimingsKt FILE CACHE_DIR`. A measuring aid (see docs/benchmarks.md), not a test.
 */
fun main(args: Array<String>) {
    val clock = TimeSource.Monotonic
    val start = clock.markNow()
    var mark = clock.markNow()
    val steps = LinkedHashMap<String, String>()
    fun step(name: String) {
        steps[name] = "${mark.elapsedNow().inWholeMilliseconds} ms"
        mark = clock.markNow()
    }
    FrameworkBuild.id
    step("build id")
    ScriptClasspath.current()
    step("classpath")
    val host = ScriptHost(ScriptCache(Paths.get(args[0 + 1])))
    step("host")
    val result = host.compile(File(args[0]))
    step(if (result.fromCache) "cache hit" else "compile")
    val script = host.load(result)
    step("evaluate")
    println("$steps total ${start.elapsedNow().inWholeMilliseconds} ms; consumers ${script.consumers.map { it.name }}")
    // With a third argument N: N more compiles in this JVM, as a --watch reload does them.
    val again = args.getOrNull(2)?.toInt() ?: 0
    if (again > 0) {
        val uncached = ScriptHost(cache = null)
        val times = (1..again).map { uncached.compile(File(args[0])).elapsed.inWholeMilliseconds }
        println("warm compiles: $times ms")
    }
}
