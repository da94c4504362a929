package dev.mqttflow.build

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import org.w3c.dom.Element
import java.nio.file.Path

/** A managed dependency: `group:artifact` (`:type` when not a jar), its version, whether it is an imported BOM. */
private data class Pin(val key: String, val groupId: String, val version: String, val imported: Boolean)

/** `group:artifact`, with `:type` when the dependency is not a jar. */
private fun Element.key(): String =
    listOfNotNull(child("groupId"), child("artifactId"), child("type")?.takeIf { it != "jar" }).joinToString(":")

/** The properties of a pom, `project.version` included. */
private fun properties(pom: Element): Map<String, String> {
    val declared = pom.children("properties").singleOrNull()?.let { p ->
        val nodes = p.childNodes
        (0 until nodes.length).map { nodes.item(it) }.filterIsInstance<Element>()
            .associate { it.tagName to it.textContent.trim() }
    }.orEmpty()
    return declared + ("project.version" to pom.child("version")!!)
}

/** [text] with every `${name}` replaced by its property, repeatedly (a property may name another). */
private fun resolve(text: String, properties: Map<String, String>): String {
    var t = text
    while (true) {
        val m = Regex("""\$\{([^}]+)}""").find(t) ?: return t
        t = t.replace(m.value, properties[m.groupValues[1]] ?: return t)
    }
}

/** The pins of a pom's dependencyManagement, versions resolved against its own properties. */
private fun pins(path: Path): Map<String, Pin> {
    val pom = pom(path)
    val properties = properties(pom)
    val managed = pom.children("dependencyManagement").single().children("dependencies").single()
    return managed.children("dependency").associate { d ->
        val version = resolve(d.child("version")!!, properties)
        d.key() to Pin(d.key(), d.child("groupId")!!, version, imported = d.child("scope") == "import")
    }
}

/** What a published module's pom needs at compile or run time (not for its tests): (key, groupId). */
private fun runtimeDependencies(module: PublishedModule): List<Pair<String, String>> =
    pom(root.resolve(module.dir).resolve("pom.xml")).children("dependencies").single().children("dependency")
        .filter { it.child("scope") != "test" }
        .map { it.key() to it.child("groupId")!! }

/** Whether a BOM of [bomGroup] manages [group] (com.fasterxml.jackson covers com.fasterxml.jackson.core). */
private fun covers(bomGroup: String, group: String): Boolean = group == bomGroup || group.startsWith("$bomGroup.")

/** Root imports only mqttflow's own tests use: a user's build has no use for them in the BOM. */
private val TEST_ONLY_IMPORTS = setOf("org.junit:junit-bom:pom")

class BomTest :
    FunSpec({
        val bom = pins(root.resolve("framework/bom/pom.xml"))
        val parent = pins(root.resolve("pom.xml"))
        val version = pom(root.resolve("pom.xml")).child("version")

        test("the BOM lists every published mqttflow module at the project's version, and nothing else of mqttflow") {
            pom(root.resolve("framework/bom/pom.xml")).child("version") shouldBe version
            val published = publishedModules.map { "dev.mqttflow:${it.artifactId}" }
            published.filter { bom[it]?.version != version }.shouldBeEmpty()
            bom.keys.filter { it.startsWith("dev.mqttflow:") && it !in published }.shouldBeEmpty()
        }

        test("every version the BOM pins is the root pom's") {
            bom.values.filterNot { it.groupId == "dev.mqttflow" }
                .filter { parent[it.key]?.version != it.version }
                .map { "${it.key}: the BOM says ${it.version}, the root pom ${parent[it.key]?.version ?: "nothing"}" }
                .shouldBeEmpty()
        }

        test("the BOM pins what the published modules need at run time, and every BOM the root imports") {
            val imports = parent.values.filter { it.imported && it.key !in TEST_ONLY_IMPORTS }.map { it.key }
            val needed = publishedModules.flatMap(::runtimeDependencies)
                .filterNot { (_, group) -> group == "dev.mqttflow" }
                .map { (key, group) ->
                    // The root pins it directly, or through a BOM it imports (netty-bom for io.netty:…).
                    val viaImport = parent.values.firstOrNull { it.imported && covers(it.groupId, group) }
                    parent[key]?.key ?: viaImport?.key ?: key
                }
            (imports + needed).distinct().filter { it !in bom }.shouldBeEmpty()
        }
    })
