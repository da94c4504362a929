package dev.mqttflow.internal.outbox

import dev.mqttflow.errors.ConfigException
import dev.mqttflow.protocol.MessageProperties
import dev.mqttflow.protocol.Publish
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExecutorCoroutineDispatcher
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.slf4j.LoggerFactory
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.io.DataInputStream
import java.io.DataOutputStream
import java.nio.file.Path
import java.sql.Connection
import java.sql.DriverManager
import java.sql.Statement
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Outgoing QoS 1/2 publishes kept in a SQLite file (WAL) from before they are sent until the
 * broker acknowledged them, so a crash (kill -9) loses none: the next run sends what is left
 * before anything else. `synchronous=NORMAL`: a stored row survives the process dying at any
 * point; an operating-system crash or power loss may lose the last rows.
 *
 * One thread owns the JDBC connection; [store] suspends until the row is committed.
 */
internal class DurableOutbox(private val file: Path) : AutoCloseable {
    private val log = LoggerFactory.getLogger("mqttflow.outbox")
    private val executor = Executors.newSingleThreadExecutor { Thread(it, "mqttflow-outbox").apply { isDaemon = true } }
    private val thread: ExecutorCoroutineDispatcher = executor.asCoroutineDispatcher()

    @Volatile
    private var closed = false
    private val scope = CoroutineScope(SupervisorJob() + thread)
    private val db: Connection

    init {
        file.toAbsolutePath().parent?.toFile()?.mkdirs()
        db = DriverManager.getConnection("jdbc:sqlite:${requireDriver(file)}")
        db.createStatement().use {
            it.execute("PRAGMA journal_mode=WAL")
            it.execute("PRAGMA synchronous=NORMAL")
            it.execute(
                "CREATE TABLE IF NOT EXISTS mqttflow_outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, " +
                    "topic TEXT NOT NULL, payload BLOB NOT NULL, qos INTEGER NOT NULL, retain INTEGER NOT NULL, " +
                    "properties BLOB)",
            )
        }
    }

    private val insert = db.prepareStatement(
        "INSERT INTO mqttflow_outbox (topic, payload, qos, retain, properties) VALUES (?, ?, ?, ?, ?)",
        Statement.RETURN_GENERATED_KEYS,
    )
    private val delete = db.prepareStatement("DELETE FROM mqttflow_outbox WHERE id = ?")

    /** Writes [publish]; returns its row id once committed. */
    @Suppress("MagicNumber") // JDBC parameter indexes
    suspend fun store(publish: Publish): Long = withContext(thread) {
        insert.setString(1, publish.topic)
        insert.setBytes(2, publish.payload)
        insert.setInt(3, publish.qos)
        insert.setInt(4, if (publish.retain) 1 else 0)
        insert.setBytes(5, if (publish.properties.isEmpty) null else encode(publish.properties))
        insert.executeUpdate()
        insert.generatedKeys.use { keys ->
            keys.next()
            keys.getLong(1)
        }
    }

    /** Forgets row [id] (the broker acknowledged it); does not wait: a row kept by a crash is sent again. */
    fun remove(id: Long) {
        if (closed) return
        scope.launch {
            delete.setLong(1, id)
            delete.executeUpdate()
        }
    }

    /** The rows a previous run left, oldest first. */
    @Suppress("MagicNumber") // JDBC column indexes
    suspend fun pending(): List<Pair<Long, Publish>> = withContext(thread) {
        db.createStatement().use { st ->
            st.executeQuery("SELECT id, topic, payload, qos, retain, properties FROM mqttflow_outbox ORDER BY id")
                .use { rs ->
                    buildList {
                        while (rs.next()) {
                            val properties = rs.getBytes(6)?.let(::decode) ?: MessageProperties.NONE
                            val publish =
                                Publish(rs.getString(2), rs.getBytes(3), rs.getInt(4), rs.getInt(5) == 1, properties)
                            add(rs.getLong(1) to publish)
                        }
                    }
                }
        }
    }

    /** Closes the file after the removals already asked for; waits (briefly) for that. */
    override fun close() {
        if (closed) return
        closed = true
        scope.launch {
            try {
                insert.close()
                delete.close()
                db.close()
            } catch (e: java.sql.SQLException) {
                log.warn("closing the outbox {} failed: {}", file, e.message)
            }
        }
        executor.shutdown()
        if (!executor.awaitTermination(
                CLOSE_SECONDS,
                TimeUnit.SECONDS,
            )
        ) {
            log.warn("the outbox {} did not close in time", file)
        }
    }

    private companion object {
        const val CLOSE_SECONDS = 5L

        fun encode(p: MessageProperties): ByteArray {
            val bytes = ByteArrayOutputStream()
            DataOutputStream(bytes).use { out ->
                out.writeInt(p.userProperties.size)
                p.userProperties.forEach { (k, v) ->
                    out.writeUTF(k)
                    out.writeUTF(v)
                }
                out.writeNullable(p.contentType)
                out.writeNullable(p.responseTopic)
                out.writeInt(p.correlationData?.size ?: -1)
                p.correlationData?.let { out.write(it) }
                out.writeLong(p.messageExpiryInterval ?: -1)
            }
            return bytes.toByteArray()
        }

        fun decode(bytes: ByteArray): MessageProperties = DataInputStream(ByteArrayInputStream(bytes)).use { input ->
            val users = List(input.readInt()) { input.readUTF() to input.readUTF() }
            val contentType = input.readNullable()
            val responseTopic = input.readNullable()
            val correlation = input.readInt().let { n ->
                if (n <
                    0
                ) {
                    null
                } else {
                    ByteArray(n).also { input.readFully(it) }
                }
            }
            val expiry = input.readLong().takeIf { it >= 0 }
            MessageProperties(users, contentType, responseTopic, correlation, expiry)
        }

        fun DataOutputStream.writeNullable(s: String?) {
            writeBoolean(s != null)
            if (s != null) writeUTF(s)
        }

        fun DataInputStream.readNullable(): String? = if (readBoolean()) readUTF() else null
    }
}

/**
 * [file], once the SQLite JDBC driver is known to be there: mqttflow-core declares it optional, so
 * a build without it gets this error instead of JDBC's "No suitable driver".
 */
private fun requireDriver(file: Path): Path {
    try {
        Class.forName("org.sqlite.JDBC")
    } catch (e: ClassNotFoundException) {
        throw ConfigException(
            "outboxFile",
            "the durable outbox $file needs the SQLite JDBC driver: add org.xerial:sqlite-jdbc " +
                "(mqttflow-bom pins its version) or mqttflow-exposed to the build",
            e,
        )
    }
    return file
}
