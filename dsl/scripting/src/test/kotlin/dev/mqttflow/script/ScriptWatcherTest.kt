package dev.mqttflow.script

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.withTimeout
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class ScriptWatcherTest :
    FunSpec({
        val fast = 20.milliseconds

        test("an edited file is reported") {
            val file = TestScripts.write("a.mqtt.kts", "mqttConsumer { }")
            val watcher = ScriptWatcher(listOf(file), fast)
            file.writeText("mqttConsumer(\"x\") { }\n")
            withTimeout(10.seconds) { watcher.changes().first() } shouldBe file.absoluteFile
        }

        test("a file touched or saved unchanged is not reported, an edit after it is") {
            val touched = TestScripts.write("touched.mqtt.kts", "mqttConsumer { }")
            val edited = TestScripts.write("edited.mqtt.kts", "mqttConsumer { }")
            // touched is watched first: had its touch been reported, it would come first.
            val watcher = ScriptWatcher(listOf(touched, edited), fast)
            touched.setLastModified(touched.lastModified() + 5_000)
            touched.writeText(touched.readText())
            edited.appendText("// more\n")
            withTimeout(10.seconds) { watcher.changes().first() } shouldBe edited.absoluteFile
        }

        test("a save by renaming a new file over the old one is reported") {
            val file = TestScripts.write("renamed.mqtt.kts", "mqttConsumer { }")
            val watcher = ScriptWatcher(listOf(file), fast)
            val temp = file.resolveSibling("renamed.mqtt.kts.tmp")
            temp.writeText("mqttConsumer(\"new\") { }\n")
            Files.move(
                temp.toPath(),
                file.toPath(),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING,
            )
            withTimeout(10.seconds) { watcher.changes().first() } shouldBe file.absoluteFile
        }

        test("a file deleted and written again is reported once it is back") {
            val file = TestScripts.write("gone.mqtt.kts", "mqttConsumer { }")
            val watcher = ScriptWatcher(listOf(file), fast)
            file.delete()
            file.writeText("mqttConsumer(\"back\") { }\n")
            withTimeout(10.seconds) { watcher.changes().first() } shouldBe file.absoluteFile
        }

        test("each of several edits to a file is reported") {
            val file = TestScripts.write("twice.mqtt.kts", "mqttConsumer { }")
            val watcher = ScriptWatcher(listOf(file), fast)
            file.writeText("// 1\n")
            val seen = mutableListOf<String>()
            withTimeout(10.seconds) {
                watcher.changes().take(2).collect { changed ->
                    seen += changed.readText()
                    if (seen.size == 1) file.writeText("// 2\n")
                }
            }
            seen shouldBe listOf("// 1\n", "// 2\n")
        }
    })
