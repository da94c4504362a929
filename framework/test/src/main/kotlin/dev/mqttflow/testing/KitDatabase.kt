package dev.mqttflow.testing

import dev.mqttflow.database.MqttFlowDatabase
import java.sql.Connection
import java.sql.SQLException

/**
 * The one file of the kit that names mqttflow-exposed's types. mqttflow-exposed is an optional
 * dependency of mqttflow-test: these run only when a test asks for its database, and then say
 * what to add if it is missing instead of failing with a `NoClassDefFoundError`.
 */
internal object KitDatabase {
    private val exposedPresent: Boolean = runCatching {
        Class.forName("dev.mqttflow.database.MqttFlowDatabase", false, KitDatabase::class.java.classLoader)
    }.isSuccess

    /** The database of the test [plugins] opened; fails saying why there is none. */
    fun of(plugins: KitPlugins?, option: String): MqttFlowDatabase {
        if (!exposedPresent) {
            throw AssertionError(
                "this test has no database: mqttflow-exposed is not on the test classpath " +
                    "(add dev.mqttflow:mqttflow-exposed, test scope)",
            )
        }
        return plugins?.context?.get(MqttFlowDatabase) ?: throw AssertionError(
            "this test has no database: the consumer declares no tables; pass $option",
        )
    }

    /** Runs [work] on a JDBC connection inside a transaction of [database]; commits when it returns. */
    suspend fun <T> jdbc(database: MqttFlowDatabase, work: SqlWork<T>): T = database.transaction {
        work.run(connection.connection as Connection)
    }
}

/** JDBC work on the test's database, for Java tests: see [ConsumerTester.jdbc]. */
public fun interface SqlWork<T> {
    /** Runs with [connection], inside a transaction that commits when this returns. */
    @Throws(SQLException::class)
    public fun run(connection: Connection): T
}
