package dev.mqttflow.script

import java.io.File
import java.nio.file.Paths
import kotlin.time.TimeSource

/** Prints how long compiling and loading a script takes: `ScriptTimings FILE CACHE_DIR`. */
fun main(args: Array<String>) {
    val t0 = TimeSource.Monotonic.markNow()
    val a = TimeSource.Monotonic.markNow()
    FrameworkBuild.id
    val b = TimeSource.Monotonic.markNow()
    ScriptClasspath.current()
    val c = TimeSource.Monotonic.markNow()
    MqttFlowScriptCompilation.toString()
    println("buildId=${b - a} classpath=${c - b} config=${c.elapsedNow()}")
    val host = ScriptHost(ScriptCache(Paths.get(args[1])))
    val result = host.compile(File(args[0]))
    val t1 = TimeSource.Monotonic.markNow()
    val script = host.load(result)
    println(
        "fromCache=${result.fromCache} compile=${result.elapsed} load=${t1.elapsedNow()} " +
            "total=${t0.elapsedNow()} consumers=${script.consumers.map {
                it.name
            }} cp=${ScriptClasspath.current().size}",
    )
}
