package dev.mqttflow.samples.ai

import com.anthropic.client.AnthropicClientAsync
import com.anthropic.client.okhttp.AnthropicOkHttpClientAsync
import com.anthropic.core.JsonValue
import com.anthropic.models.messages.Message
import com.anthropic.models.messages.MessageCreateParams
import com.anthropic.models.messages.Model
import com.anthropic.models.messages.Tool
import com.anthropic.models.messages.ToolChoiceAuto
import dev.mqttflow.errors.ConfigException
import kotlinx.coroutines.future.await
import org.slf4j.LoggerFactory

/**
 * An [Advisor] that asks Claude through the Anthropic Java SDK.
 *
 * Claude gets the reading and a `publish_mqtt` tool; each tool call in its answer becomes a
 * [Suggestion]. It may publish only under [allowedPrefixes] (the consumer checks again). Build one
 * with [fromEnvironment], which reads the key from `ANTHROPIC_API_KEY`.
 */
class ClaudeAdvisor(
    private val client: AnthropicClientAsync,
    val model: String = DEFAULT_MODEL,
    private val allowedPrefixes: List<String> = listOf("home/"),
    private val maxTokens: Long = DEFAULT_MAX_TOKENS,
) : Advisor {
    private val log = LoggerFactory.getLogger("mqttflow.samples.ai")

    override suspend fun advise(reading: SensorReading): List<Suggestion> {
        val reply = client.messages().create(request(reading)).await()
        return suggestions(reply)
    }

    /** The request for [reading]: system prompt, the `publish_mqtt` tool, the reading as the user turn. */
    fun request(reading: SensorReading): MessageCreateParams = MessageCreateParams.builder()
        .model(model)
        .maxTokens(maxTokens)
        .system(systemPrompt())
        .addTool(PUBLISH_TOOL)
        .toolChoice(ToolChoiceAuto.builder().build())
        .addUserMessage("Sensor reading on topic '${reading.topic}': ${reading.payload}")
        .build()

    /** The `publish_mqtt` calls in [reply]; calls with a missing topic or payload are skipped. */
    fun suggestions(reply: Message): List<Suggestion> = reply.content()
        .mapNotNull { block -> block.toolUse().orElse(null) }
        .filter { it.name() == TOOL_NAME }
        .mapNotNull { call ->
            val input = call._input().asObject().orElse(emptyMap())
            val topic = input["topic"]?.asString()?.orElse(null)
            val payload = input["payload"]?.asString()?.orElse(null)
            if (topic == null || payload == null) {
                log.warn("Claude called {} without a topic and payload: {}", TOOL_NAME, call._input())
                null
            } else {
                Suggestion(topic, payload)
            }
        }

    private fun systemPrompt(): String =
        "You automate a home over MQTT. For each sensor reading, decide whether a device should react. " +
            "To act, call the $TOOL_NAME tool once per message to send; topics must start with one of " +
            "${allowedPrefixes.joinToString()} and must not contain wildcards. If nothing needs doing, " +
            "answer in one short sentence without calling the tool."

    companion object {
        const val API_KEY_ENV = "ANTHROPIC_API_KEY"
        const val MODEL_ENV = "ANTHROPIC_MODEL"
        val DEFAULT_MODEL: String = Model.CLAUDE_HAIKU_4_5.asString()
        const val TOOL_NAME = "publish_mqtt"
        private const val DEFAULT_MAX_TOKENS = 512L

        private val PUBLISH_TOOL: Tool = Tool.builder()
            .name(TOOL_NAME)
            .description("Publish one MQTT message to a device topic.")
            .inputSchema(
                Tool.InputSchema.builder()
                    .properties(
                        JsonValue.from(
                            mapOf(
                                "topic" to mapOf("type" to "string", "description" to "MQTT topic, no wildcards"),
                                "payload" to mapOf("type" to "string", "description" to "message text"),
                            ),
                        ),
                    )
                    .required(listOf("topic", "payload"))
                    .build(),
            )
            .build()

        /**
         * An advisor using the key in `ANTHROPIC_API_KEY` and the model in `ANTHROPIC_MODEL` (default
         * [DEFAULT_MODEL]); throws [ConfigException] naming the variable when the key is missing.
         */
        fun fromEnvironment(env: Map<String, String> = System.getenv()): ClaudeAdvisor {
            val key = env[API_KEY_ENV]?.trim()?.takeIf { it.isNotEmpty() } ?: throw ConfigException(
                API_KEY_ENV,
                "is not set; the AI sample asks Claude and needs an Anthropic API key: export $API_KEY_ENV=…",
            )
            val client = AnthropicOkHttpClientAsync.builder().apiKey(key).build()
            return ClaudeAdvisor(client, env[MODEL_ENV]?.takeIf { it.isNotBlank() } ?: DEFAULT_MODEL)
        }
    }
}
