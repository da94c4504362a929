package dev.mqttflow.database

import dev.mqttflow.consumer.Consumer
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

/** The tables [consumers] declare, each once. */
public fun declaredTables(consumers: Iterable<Consumer>): List<Table> =
    consumers.flatMap { (it as? DeclaresTables)?.tables.orEmpty() }.distinct()
