package dev.mqttflow.script

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.dsl.ConsumerBuilder
import org.slf4j.Logger
import org.slf4j.LoggerFactory

/**
 * `this` in a `.mqtt.kts` script. Its [mqttConsumer] works like the DSL's and also records the
 * consumer, so that running the script starts it; a script may define several.
 *
 * Consumers are named after the script: `mqttConsumer("lights")` in `hall-light.mqtt.kts` is
 * `hall-light:lights`, and the one unnamed `mqttConsumer { … }` a script may have is `hall-light`.
 */
public class MqttFlowScriptScope internal constructor(
    /** The script's name: its file name without `.mqtt.kts`. */
    public val scriptName: String,
    private val environment: Map<String, String> = System.getenv(),
) {
    private val defined = ArrayList<Consumer>()

    @Volatile
    private var loaded = false

    /** A logger named `mqttflow.script.<script name>`, for handlers to log with. */
    public val log: Logger = LoggerFactory.getLogger("mqttflow.script.$scriptName")

    /**
     * The environment variable [name], or null: settings of an automation
     * (`val threshold = env("ENERGY_ALERT_WATTS")?.toDouble() ?: 3000.0`). A [ScriptHost] may be
     * given another environment, for tests.
     */
    public fun env(name: String): String? = environment[name]

    /** Describes the consumer `<script name>:<name>` and adds it to the script's consumers. */
    public fun mqttConsumer(name: String, block: ConsumerBuilder.() -> Unit): Consumer {
        require(name.isNotBlank()) { "a consumer needs a name; or leave it out to name it after the script" }
        return define("$scriptName:$name", block)
    }

    /** Describes the consumer named after the script and adds it to the script's consumers. */
    public fun mqttConsumer(block: ConsumerBuilder.() -> Unit): Consumer = define(scriptName, block)

    /**
     * Describes the consumer `<script name>:<name>` as a template for spawned workers: running the
     * script does **not** start it; a master spawns it per instance with its params.
     *
     * ```kotlin
     * val room = workerTemplate("room") {
     *     onMessage("home/{room}/motion", qos = 1) { msg -> publish("home/lights/${params["room"]}/set", "on") }
     * }
     * mqttConsumer("house") {
     *     onConnect { spawnWorker(1, room, mapOf("room" to "hall")) }
     * }
     * ```
     */
    public fun workerTemplate(name: String, block: ConsumerBuilder.() -> Unit): Consumer {
        require(name.isNotBlank()) { "a worker template needs a name: workerTemplate(\"room\") { }" }
        return define("$scriptName:$name", block, template = true)
    }

    private val templates = ArrayList<Consumer>()

    private fun define(name: String, block: ConsumerBuilder.() -> Unit, template: Boolean = false): Consumer {
        check(!loaded) { "mqttConsumer { } belongs at the top level of a script, not inside a handler" }
        synchronized(defined) {
            check(defined.none { it.name == name } && templates.none { it.name == name }) {
                if (name == scriptName) {
                    "script '$scriptName' has two unnamed mqttConsumer { } blocks; name them: mqttConsumer(\"x\") { }"
                } else {
                    "script '$scriptName' defines consumer '${name.substringAfter(':')}' twice; rename one"
                }
            }
        }
        val consumer = dev.mqttflow.dsl.mqttConsumer(name, block)
        synchronized(defined) { if (template) templates += consumer else defined += consumer }
        return consumer
    }

    /** The consumers defined so far (templates not among them); after this, defining more fails. */
    internal fun finish(): List<Consumer> {
        loaded = true
        return synchronized(defined) { defined.toList() }
    }

    /** The [workerTemplate]s the script declared. */
    internal fun templates(): List<Consumer> = synchronized(defined) { templates.toList() }
}
