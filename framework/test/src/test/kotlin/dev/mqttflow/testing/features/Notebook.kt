package dev.mqttflow.testing.features

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.ConsumerContext
import dev.mqttflow.consumer.publish
import dev.mqttflow.database.DeclaresTables
import dev.mqttflow.database.transaction
import dev.mqttflow.layer.LayerMessage
import dev.mqttflow.protocol.Message
import kotlinx.coroutines.delay
import org.jetbrains.exposed.v1.core.Table
import org.jetbrains.exposed.v1.jdbc.deleteAll
import org.jetbrains.exposed.v1.jdbc.insert
import org.jetbrains.exposed.v1.jdbc.selectAll
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** The notes [Notebook] stores. */
object Notes : Table("kit_notes") {
    val id = long("id").autoIncrement()
    val text = varchar("text", 200)
    override val primaryKey = PrimaryKey(id)
}

/**
 * The consumer the feature tests of both faces use (`KitFeaturesTest`, `KitFeaturesJavaTest`):
 * says when it came up (retained, by its clock), stores each note and publishes the count (a
 * note `slow` after a minute), clears the notes on a `notes.clear` layer message, and says
 * goodbye five seconds into its `onDisconnect`.
 */
class Notebook :
    Consumer,
    DeclaresTables {
    override val name = "notebook"
    override val tables: List<Table> = listOf(Notes)

    override suspend fun onConnect(context: ConsumerContext) {
        context.subscribe("notes/+", qos = 1)
        context.publish("notebook/status", "up at ${context.clock.now()}", qos = 1, retain = true)
    }

    override suspend fun onMessage(context: ConsumerContext, message: Message) {
        if (message.text == "slow") delay(1.minutes)
        val count = context.transaction {
            Notes.insert { it[text] = message.text }
            Notes.selectAll().count()
        }
        context.publish("notebook/count", count)
    }

    override suspend fun onLayerMessage(context: ConsumerContext, message: LayerMessage): Boolean {
        if (message.type != "notes.clear") return false
        context.transaction { Notes.deleteAll() }
        context.publish("notebook/count", 0)
        return true
    }

    override suspend fun onDisconnect(context: ConsumerContext) {
        delay(5.seconds)
        context.publish("notebook/status", "bye")
    }
}
