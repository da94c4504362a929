package dev.mqttflow.testing

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.Path

/** The project root: surefire runs in the module's directory. */
private val root: Path =
    generateSequence(Path.of("").toAbsolutePath()) { it.parent }.first { Files.isDirectory(it.resolve("docs")) }

/**
 * Each code block in docs/testing.md that follows an `<!-- include: path -->` line, as
 * (path, lines of the block).
 */
private fun includedBlocks(doc: String): List<Pair<String, List<String>>> {
    val marker = Regex("""<!-- include: (\S+) -->\n```\w*\n(.*?)\n```""", RegexOption.DOT_MATCHES_ALL)
    return marker.findAll(doc).map { it.groupValues[1] to it.groupValues[2].lines() }.toList()
}

/** Whether [block] appears in [file] as consecutive lines, ignoring each line's indentation. */
private fun containsLines(file: List<String>, block: List<String>): Boolean {
    val f = file.map { it.trim() }
    val b = block.map { it.trim() }
    return (0..f.size - b.size).any { start -> b.indices.all { f[start + it] == b[it] } }
}

class DocsTest :
    FunSpec({
        test("every example in docs/testing.md is the text of a test in the build") {
            val blocks = includedBlocks(Files.readString(root.resolve("docs/testing.md")))
            blocks.map { it.first }.distinct().size shouldBe 9
            for ((path, block) in blocks) {
                block.shouldNotBeEmpty()
                val file = Files.readAllLines(root.resolve(path))
                withClue(path) { containsLines(file, block) shouldBe true }
            }
        }
    })
