package dev.mqttflow.build

import org.w3c.dom.Element
import java.nio.file.Files
import java.nio.file.Path
import javax.xml.parsers.DocumentBuilderFactory

/** The project root: surefire runs in the module's directory. */
val root: Path = generateSequence(Path.of("").toAbsolutePath()) { it.parent }
    .first { Files.isRegularFile(it.resolve("scripts/test")) }

/** A reactor module that users get from the local repository: its folder and its artifact. */
data class PublishedModule(val dir: String, val artifactId: String) {
    val classes: Path get() = root.resolve(dir).resolve("target/classes")
    val dump: Path get() = root.resolve(dir).resolve("api/$artifactId.api")
}

/** Reactor modules that are not published: applications, the BOM itself (a pom), and these checks. */
private val UNPUBLISHED = setOf("samples", "benchmarks", "framework/bom", "framework/build-tools")

/** A pom file, parsed. */
fun pom(path: Path): Element =
    DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(path.toFile()).documentElement

/** The direct children of this element named [name]. */
fun Element.children(name: String): List<Element> {
    val nodes = childNodes
    return (0 until nodes.length).map { nodes.item(it) }.filterIsInstance<Element>().filter { it.tagName == name }
}

/** The text of the direct child [name], or null. */
fun Element.child(name: String): String? = children(name).firstOrNull()?.textContent?.trim()

/** Every module of the root pom that is published (its jar lands in the local repository for users). */
val publishedModules: List<PublishedModule> by lazy {
    val modules = pom(root.resolve("pom.xml")).children("modules").single().children("module")
        .map { it.textContent.trim() }
    modules.filterNot { it in UNPUBLISHED }.map { dir ->
        PublishedModule(dir, pom(root.resolve(dir).resolve("pom.xml")).child("artifactId")!!)
    }
}
