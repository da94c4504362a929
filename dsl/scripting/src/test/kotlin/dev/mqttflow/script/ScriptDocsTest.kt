package dev.mqttflow.script

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.Path

/** The example test in docs/scripts.md is the text of a test in the build (as DocsTest does for testing.md). */
class ScriptDocsTest :
    FunSpec({
        val root: Path =
            generateSequence(Path.of("").toAbsolutePath()) { it.parent }.first { Files.isDirectory(it.resolve("docs")) }

        test("the test in docs/scripts.md is copied from a test of the build") {
            val doc = Files.readString(root.resolve("docs/scripts.md"))
            val marker = Regex("""<!-- include: (\S+) -->\n```\w*\n(.*?)\n```""", RegexOption.DOT_MATCHES_ALL)
            val blocks = marker.findAll(doc).map { it.groupValues[1] to it.groupValues[2].lines() }.toList()
            blocks.size shouldBe 1
            for ((path, block) in blocks) {
                block.shouldNotBeEmpty()
                val file = Files.readAllLines(root.resolve(path)).map { it.trim() }
                val lines = block.map { it.trim() }
                withClue(path) {
                    (0..file.size - lines.size).any { start ->
                        lines.indices.all { file[start + it] == lines[it] }
                    } shouldBe
                        true
                }
            }
        }
    })
