package dev.mqttflow.database

import dev.mqttflow.InternalMqttFlowApi
import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.HasExtras
import dev.mqttflow.dsl.ConsumerBuilder
import org.jetbrains.exposed.v1.core.Table

/**
 * A consumer that stores data in tables: the runtime creates the missing ones at startup, before
 * any worker runs. DSL consumers declare them with `tables(MotionEvents)`; a hand-written
 * [Consumer] implements this interface.
 */
public interface DeclaresTables {
    /** The Exposed tables this consumer reads and writes. */
    public val tables: List<Table>
}

/**
 * Declares the Exposed tables this consumer uses; they are created at startup if missing.
 * Handlers reach them with `transaction { … }`.
 */
@OptIn(InternalMqttFlowApi::class)
public fun ConsumerBuilder.tables(vararg tables: Table) {
    attach(DeclaredTables(tables.toList()))
}

/** What [tables] attaches to a DSL consumer. */
private class DeclaredTables(val tables: List<Table>)

/** The tables [consumers] declare, each once. */
public fun declaredTables(consumers: Iterable<Consumer>): List<Table> = consumers.flatMap { consumer ->
    (consumer as? DeclaresTables)?.tables.orEmpty() +
        (consumer as? HasExtras)?.extras.orEmpty().filterIsInstance<DeclaredTables>().flatMap { it.tables }
}.distinct()
