package dev.mqttflow.it

import java.io.File
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path
import java.sql.DriverManager
import java.sql.SQLException
import java.util.UUID
import java.util.concurrent.TimeUnit

/**
 * A PostgreSQL database for integration tests, in a schema of its own that [close] drops.
 *
 * Uses the server on 127.0.0.1:5432 (database `test`, trust auth) when one answers; otherwise it
 * starts a private server with `initdb`/`pg_ctl` (as the `postgres` user when running as root) on a
 * free port and stops it again. If neither works it throws, saying what is missing: the tests need
 * a PostgreSQL and never skip. `MQTTFLOW_TEST_PG=private` forces the private server.
 */
class Postgres private constructor(
    private val baseUrl: String,
    private val schema: String,
    private val private: PrivateServer?,
) : AutoCloseable {
    /** The JDBC URL of the test schema, user included. */
    val url: String get() = "$baseUrl?user=postgres&currentSchema=$schema"

    /** Where the server runs, for messages. */
    val where: String get() = if (private == null) "shared server $baseUrl" else "private server $baseUrl"

    override fun close() {
        try {
            if (private == null) {
                DriverManager.getConnection("$baseUrl?user=postgres").use {
                    it.createStatement().execute("DROP SCHEMA IF EXISTS $schema CASCADE")
                }
            }
        } finally {
            private?.stop()
        }
    }

    companion object {
        private const val SHARED = "jdbc:postgresql://127.0.0.1:5432/test"
        private const val PROBE_MS = 1000

        fun start(): Postgres {
            val forcePrivate = System.getenv("MQTTFLOW_TEST_PG") == "private"
            val server = if (!forcePrivate && reachable(SHARED)) null else PrivateServer.start()
            val base = server?.url ?: SHARED
            val schema = "mqttflow_it_" + UUID.randomUUID().toString().replace("-", "").take(12)
            DriverManager.getConnection("$base?user=postgres").use {
                it.createStatement().execute("CREATE SCHEMA $schema")
            }
            return Postgres(base, schema, server).also { println("PostgreSQL for tests: ${it.where}, schema $schema") }
        }

        private fun reachable(url: String): Boolean {
            try {
                Socket().use { it.connect(InetSocketAddress("127.0.0.1", 5432), PROBE_MS) }
            } catch (_: java.io.IOException) {
                return false
            }
            return try {
                DriverManager.getConnection("$url?user=postgres&connectTimeout=3").use { it.isValid(3) }
            } catch (_: SQLException) {
                false
            }
        }
    }
}

/** A throw-away PostgreSQL cluster in a temp folder. */
internal class PrivateServer private constructor(val url: String, private val bin: Path, private val home: Path) {
    fun stop() {
        try {
            run(bin.resolve("pg_ctl").toString(), "-D", "$home/data", "-m", "immediate", "-w", "stop")
        } finally {
            home.toFile().deleteRecursively()
        }
    }

    companion object {
        private val runAsPostgres = System.getProperty("user.name") == "root"

        fun start(): PrivateServer {
            val bin = findBin() ?: error(
                "no PostgreSQL server answers on 127.0.0.1:5432 and no initdb was found to start one " +
                    "(install Debian's postgresql package: scripts/setup-test-deps does)",
            )
            val home = Files.createTempDirectory("mqttflow-pg-")
            if (runAsPostgres) run("chown", "postgres", home.toString())
            val port = java.net.ServerSocket(0).use { it.localPort }
            run(bin.resolve("initdb").toString(), "-D", "$home/data", "-A", "trust", "-U", "postgres", "--no-sync")
            val options = "-p $port -k $home -c listen_addresses=127.0.0.1 -c fsync=off"
            run(bin.resolve("pg_ctl").toString(), "-D", "$home/data", "-o", options, "-l", "$home/log", "-w", "start")
            val server = PrivateServer("jdbc:postgresql://127.0.0.1:$port/test", bin, home)
            DriverManager.getConnection("jdbc:postgresql://127.0.0.1:$port/postgres?user=postgres").use {
                it.createStatement().execute("CREATE DATABASE test")
            }
            return server
        }

        private fun findBin(): Path? {
            val versions = File("/usr/lib/postgresql").listFiles()?.sortedByDescending { it.name.toIntOrNull() ?: 0 }
            val debian = versions?.map {
                it.toPath().resolve("bin")
            }?.firstOrNull { Files.isExecutable(it.resolve("initdb")) }
            return debian ?: System.getenv("PATH").split(File.pathSeparator).map { Path.of(it) }
                .firstOrNull { Files.isExecutable(it.resolve("initdb")) && Files.isExecutable(it.resolve("pg_ctl")) }
        }

        private fun run(vararg command: String) {
            val full = if (runAsPostgres &&
                command[0] != "chown"
            ) {
                listOf("runuser", "-u", "postgres", "--") + command
            } else {
                command.toList()
            }
            val process = ProcessBuilder(full).redirectErrorStream(true).start()
            val output = process.inputStream.bufferedReader().readText()
            check(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0) {
                "PostgreSQL test server: '${full.joinToString(" ")}' failed: ${output.trim().take(500)}"
            }
        }
    }
}
