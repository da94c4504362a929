@file:JvmName("ScriptTesting")

package dev.mqttflow.script

import java.io.File

/**
 * Loads the script at [path] for a test, with the test kit in mind:
 *
 * ```kotlin
 * test("the light goes off five quiet minutes after motion") {
 *     val lights = loadTestScript("hall-light.mqtt.kts").consumer("lights") // real time, outside runTest
 *     consumerTest(lights) {
 *         connect() shouldBe Subscribe("home/hall/motion", qos = 1)
 *         …
 *     }
 * }
 * ```
 *
 * The script is compiled, or taken from [cache] (the compiled-script cache of the `mqttflow`
 * command by default), and its body runs with [environment] as all that `env(NAME)` sees: nothing
 * of the machine's environment leaks into a test. Each call runs the body again, so each test gets
 * consumers with state of their own.
 *
 * Both faces of the test kit take what it returns: `consumerTest(script.consumer("lights")) { … }`
 * in Kotlin, `new ConsumerTester(ScriptTesting.loadTestScript(path).consumer("lights"))` in Java.
 *
 * Call it **outside** `runTest` and `consumerTest`: compiling takes real seconds (a cache hit tens of
 * milliseconds), and `runTest` gives up after 60 s of real time. Throws
 * [dev.mqttflow.errors.ScriptException] when the script does not compile or its body throws.
 */
@JvmOverloads
public fun loadTestScript(
    path: String,
    environment: Map<String, String> = emptyMap(),
    cache: ScriptCache? = ScriptCache(),
): LoadedScript = ScriptHost(cache, environment).load(File(path), path)
