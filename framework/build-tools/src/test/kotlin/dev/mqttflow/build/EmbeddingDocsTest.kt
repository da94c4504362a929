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

class EmbeddingDocsTest :
    FunSpec({
        val doc = Files.readString(root.resolve("docs/embedding.md"))

        test("every example in docs/embedding.md marked include is the text of a file of the user project") {
            val blocks = includedBlocks(doc)
            blocks.map { it.first }.distinct().size shouldBe 5
            for ((path, block) in blocks) {
                block.shouldNotBeEmpty()
                withClue(path) { containsLines(Files.readAllLines(root.resolve(path)), block) shouldBe true }
            }
        }
    })
