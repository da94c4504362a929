package dev.mqttflow.build

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import java.nio.file.Files

/** Each code block that follows an `<!-- include: path -->` line, as (path, lines of the block). */
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

/**
 * The examples of the docs that say `<!-- include: path -->` are the text of a file of the build
 * (a test, a file of a user project), so they compile and run where that file does.
 */
class DocsIncludeTest :
    FunSpec({
        // doc, and how many distinct files its examples come from (a doc that lost its markers fails)
        val docs = listOf("docs/testing.md" to 9, "docs/embedding.md" to 5, "docs/scripts.md" to 1)
        for ((doc, files) in docs) {
            test("every example in $doc marked include is the text of a file of the build") {
                val blocks = includedBlocks(Files.readString(root.resolve(doc)))
                blocks.map { it.first }.distinct().size shouldBe files
                for ((path, block) in blocks) {
                    block.shouldNotBeEmpty()
                    withClue(path) { containsLines(Files.readAllLines(root.resolve(path)), block) shouldBe true }
                }
            }
        }
    })
