package dev.mqttflow.samples.layer

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.layer.ChannelLayer
import dev.mqttflow.layer.RedisServer
import dev.mqttflow.layer.fromUrl
import dev.mqttflow.samples.runSampleFlow
import dev.mqttflow.samples.sqliteIn
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/** What a finished process said and how it ended. */
private data class Outcome(val exitCode: Int, val output: String)

/**
 * Runs [OverrideSender]'s `main` in a JVM of its own (this test's classpath), with `MQTTFLOW_LAYER`
 * set to [layerUrl] (or unset), [input] as its standard input.
 */
private suspend fun runSender(layerUrl: String?, input: String): Outcome = withContext(Dispatchers.IO) {
    val java = File(System.getProperty("java.home"), "bin/java").path
    val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
    val builder = ProcessBuilder(java, "-cp", classpath, "dev.mqttflow.samples.layer.OverrideSenderKt")
        .redirectErrorStream(true)
    builder.environment().remove(LAYER_ENV)
    if (layerUrl != null) builder.environment()[LAYER_ENV] = layerUrl
    val process = builder.start()
    process.outputStream.use { it.write(input.toByteArray()) }
    val output = process.inputStream.bufferedReader().readText()
    check(process.waitFor(2, TimeUnit.MINUTES)) { "the sender did not end: $output" }
    Outcome(process.exitValue(), output)
}

class OverrideAcrossProcessesIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        val redis = RedisServer()
        val dir = Files.createTempDirectory("layer-it")
        afterSpec {
            broker.close()
            redis.close()
            dir.toFile().deleteRecursively()
        }

        test("a command typed into another process, which has no MQTT connection, reaches the lights through Redis") {
            ChannelLayer.fromUrl(redis.url).use { layer ->
                sqliteIn(dir).use { db ->
                    runSampleFlow(broker, db, overridableLights(), layer = layer) { raw ->
                        raw.subscribe("home/lights/#")
                        val sender = runSender(redis.url, "hall off 10\nnonsense\n")
                        sender.exitCode shouldBe 0
                        sender.output shouldContain
                            "sent LightsOverride(room=hall, on=false, minutes=10) to group 'lights'"
                        sender.output shouldContain "not a command: 'nonsense'"
                        raw.next() shouldBe ("home/lights/hall/set" to "off")

                        raw.publish("home/hall/motion", "1") // held for ten minutes: ignored
                        raw.publish("home/kitchen/motion", "1")
                        raw.next() shouldBe ("home/lights/kitchen/set" to "on")
                    }
                }
            }
        }

        test("the sender refuses to start without a layer shared across processes") {
            val unset = runSender(null, "")
            unset.exitCode shouldBe 2
            unset.output shouldContain "error: MQTTFLOW_LAYER: is not set"
            val memory = runSender("memory://", "")
            memory.exitCode shouldBe 2
            memory.output shouldContain "another process needs redis://"
        }
    })
