package dev.mqttflow.database

import dev.mqttflow.errors.ConfigException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.Database
import org.jetbrains.exposed.v1.jdbc.JdbcTransaction
import org.jetbrains.exposed.v1.jdbc.SchemaUtils
import org.jetbrains.exposed.v1.jdbc.transactions.TransactionManager
import org.jetbrains.exposed.v1.jdbc.transactions.suspendTransaction
import org.slf4j.LoggerFactory
import java.sql.Connection
import java.sql.DriverManager
import java.sql.SQLException
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext

/**
 * The database handlers reach: an Exposed [Database] plus the dispatcher its blocking JDBC calls run on.
 *
 * ```kotlin
 * val db = MqttFlowDatabase.connect("jdbc:postgresql://127.0.0.1/home?user=me")
 * MqttFlow(config, plugins = listOf(DatabasePlugin(db))).run(lights)
 * // in a handler:
 * transaction { MotionEvents.insert { it[room] = "hall" } }
 * ```
 *
 * [transaction] moves the JDBC work to [ioDispatcher], so a slow query never holds a worker's
 * dispatcher; tests pass their test dispatcher and keep virtual time. SQLite allows one writer at a
 * time, so with SQLite transactions of this process run one after another.
 *
 * It is also a coroutine context element: the runtime puts it into every worker's context, where
 * [dev.mqttflow.consumer.ConsumerContext.database] finds it.
 */
public class MqttFlowDatabase private constructor(
    /** The JDBC URL with any password replaced by `****`: safe for logs. */
    public val displayUrl: String,
    /** The Exposed database, for anything [transaction] does not cover. */
    public val exposed: Database,
    private val ioDispatcher: CoroutineDispatcher,
    private val keeper: Connection?,
) : AbstractCoroutineContextElement(MqttFlowDatabase),
    AutoCloseable {
    private val sqlite = displayUrl.startsWith(SQLITE_PREFIX)
    private val writer: Mutex? = if (sqlite) Mutex() else null

    /**
     * Runs [block] in a transaction on the IO dispatcher and returns its result. Commits when
     * [block] returns, rolls back when it throws. Nested calls join the outer transaction.
     */
    public suspend fun <T> transaction(block: suspend JdbcTransaction.() -> T): T {
        if (currentCoroutineContext()[InTransaction]?.database === this) {
            return suspendTransaction(exposed) { block() }
        }
        return withContext(ioDispatcher + InTransaction(this)) {
            val lock = writer
            if (lock == null) {
                suspendTransaction(exposed) { block() }
            } else {
                lock.withLock { suspendTransaction(exposed) { block() } }
            }
        }
    }

    /** Creates those of [tables] that do not exist yet; existing tables are left as they are. */
    public suspend fun createMissingTables(tables: Collection<Table>) {
        if (tables.isEmpty()) return
        @Suppress("SpreadOperator") // Exposed takes a vararg; this runs once at startup.
        transaction { SchemaUtils.create(*tables.toTypedArray()) }
        log.info("database {}: tables ready: {}", displayUrl, tables.joinToString { it.tableName })
    }

    /** Creates those of [tables] that do not exist yet. */
    public suspend fun createMissingTables(vararg tables: Table) {
        createMissingTables(tables.toList())
    }

    /** Forgets the Exposed database and closes the connection that keeps an in-memory SQLite alive. */
    override fun close() {
        TransactionManager.closeAndUnregister(exposed)
        keeper?.close()
    }

    override fun toString(): String = "MqttFlowDatabase($displayUrl)"

    /** Marks a coroutine that already runs inside one of this database's transactions. */
    private class InTransaction(val database: MqttFlowDatabase) : AbstractCoroutineContextElement(InTransaction) {
        companion object Key : CoroutineContext.Key<InTransaction>
    }

    /** Opens databases; also the key under which a database sits in a coroutine context. */
    public companion object Key : CoroutineContext.Key<MqttFlowDatabase> {
        private val log = LoggerFactory.getLogger("mqttflow.database")

        /** The environment variable that holds the database URL when no option gives one. */
        public const val ENV_URL: String = "MQTTFLOW_DB_URL"

        /** What [connect]'s errors name when the caller gives no other name for the URL's source. */
        private const val SETTING_URL = "database URL"

        /** The database when nobody configured one: the SQLite file `mqttflow.db` in the working directory. */
        public const val DEFAULT_URL: String = "jdbc:sqlite:mqttflow.db"

        private const val SQLITE_PREFIX = "jdbc:sqlite:"

        /**
         * Opens the database at [url] (a JDBC URL; null means [DEFAULT_URL]) and checks that a
         * connection can be made. SQLite (`jdbc:sqlite:FILE`) and PostgreSQL
         * (`jdbc:postgresql://HOST:PORT/DB?user=U&password=P`) drivers are included.
         *
         * Blocks while it connects once. A URL that cannot work throws [ConfigException] naming
         * [option] and the URL (password hidden) with the driver's reason, in one line.
         */
        @JvmStatic
        @JvmOverloads
        public fun connect(
            url: String? = null,
            ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
            option: String = SETTING_URL,
        ): MqttFlowDatabase {
            val jdbcUrl = url?.trim()?.takeIf { it.isNotEmpty() } ?: DEFAULT_URL
            val shown = DatabaseUrls.redact(jdbcUrl)
            DatabaseUrls.problem(jdbcUrl)?.let { throw ConfigException(option, "$it (got '$shown')") }
            val keeper = try {
                DriverManager.getConnection(jdbcUrl).let { probe ->
                    if (DatabaseUrls.isSharedMemorySqlite(jdbcUrl)) probe else null.also { probe.close() }
                }
            } catch (e: SQLException) {
                throw ConfigException(option, "cannot open database '$shown': ${DatabaseUrls.reason(e, jdbcUrl)}", e)
            }
            val exposed = Database.connect(getNewConnection = { DriverManager.getConnection(jdbcUrl) })
            log.info("database {} connected", shown)
            return MqttFlowDatabase(shown, exposed, ioDispatcher, keeper)
        }

        /**
         * The URL to use: [optionValue] (a URL the caller was given) if any, else [ENV_URL] from [env],
         * else [DEFAULT_URL]; paired with the name of the setting it came from, for error messages.
         */
        @JvmStatic
        @JvmOverloads
        public fun resolveUrl(optionValue: String?, env: Map<String, String> = System.getenv()): Pair<String, String> {
            optionValue?.takeIf { it.isNotBlank() }?.let { return it to SETTING_URL }
            env[ENV_URL]?.takeIf { it.isNotBlank() }?.let { return it to ENV_URL }
            return DEFAULT_URL to "default database"
        }

        /**
         * Opens the database a caller was asked for: [optionValue] is the URL it was given, or null;
         * without it, [ENV_URL] from [env] decides, then [DEFAULT_URL].
         */
        @JvmStatic
        @JvmOverloads
        public fun fromOption(
            optionValue: String?,
            env: Map<String, String> = System.getenv(),
            ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): MqttFlowDatabase {
            val (url, source) = resolveUrl(optionValue, env)
            return connect(url, ioDispatcher, source)
        }

        /** Opens the database named by [ENV_URL] in [env], or [DEFAULT_URL]. */
        @JvmStatic
        @JvmOverloads
        public fun fromEnvironment(
            env: Map<String, String> = System.getenv(),
            ioDispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): MqttFlowDatabase = fromOption(null, env, ioDispatcher)
    }
}
