package dev.mqttflow.database

import dev.mqttflow.errors.hidePasswords
import org.jetbrains.exposed.v1.jdbc.Database
import java.sql.SQLException

/** Checks and prints JDBC URLs without ever showing a password. */
internal object DatabaseUrls {
    private const val EXAMPLES = "use e.g. jdbc:sqlite:mqttflow.db or jdbc:postgresql://127.0.0.1:5432/mydb?user=me"

    /** [url] with every password replaced by `****` (see [hidePasswords]). */
    fun redact(url: String): String = hidePasswords(url)

    /** Why [url] cannot work before even trying it, or null. */
    fun problem(url: String): String? = when {
        !url.startsWith("jdbc:") -> "not a JDBC URL; $EXAMPLES"

        isPrivateMemorySqlite(url) ->
            "an in-memory SQLite database vanishes with each connection; use a file, or " +
                "jdbc:sqlite:file:NAME?mode=memory&cache=shared"

        Database.getDialectName(url) == null ->
            "no SQL dialect for this kind of database; mqttflow ships the SQLite and PostgreSQL drivers, $EXAMPLES"

        else -> null
    }

    /** A shared-cache in-memory SQLite database lives while one connection stays open. */
    fun isSharedMemorySqlite(url: String): Boolean =
        url.startsWith("jdbc:sqlite:") && "mode=memory" in url && "cache=shared" in url

    private fun isPrivateMemorySqlite(url: String): Boolean {
        if (!url.startsWith("jdbc:sqlite:")) return false
        val path = url.removePrefix("jdbc:sqlite:")
        return path.isEmpty() || path.startsWith(":memory:") || ("mode=memory" in path && "cache=shared" !in path)
    }

    /** The driver's reason in one line, with [url]'s password hidden. */
    fun reason(e: SQLException, url: String): String {
        val message = e.message?.lineSequence()?.firstOrNull { it.isNotBlank() }?.trim()
        return when {
            message == null -> e.javaClass.simpleName
            message.startsWith("No suitable driver") -> "no JDBC driver on the classpath for it"
            else -> redact(message.replace(url, redact(url)))
        }
    }
}
