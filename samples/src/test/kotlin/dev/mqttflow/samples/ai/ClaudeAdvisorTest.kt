package dev.mqttflow.samples.ai

import com.anthropic.client.AnthropicClientAsync
import com.anthropic.core.jsonMapper
import com.anthropic.models.messages.Message
import com.anthropic.models.messages.MessageCreateParams
import com.anthropic.services.async.MessageServiceAsync
import dev.mqttflow.errors.ConfigException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.mockk.every
import io.mockk.mockk
import io.mockk.slot
import io.mockk.verify
import java.io.IOException
import java.util.concurrent.CompletableFuture

/** A reply as the Messages API sends it, with the given content blocks. */
private fun reply(vararg blocks: String): Message = jsonMapper().readValue(
    """
    {"id": "msg_test", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
     "content": [${blocks.joinToString()}],
     "stop_reason": "tool_use", "stop_sequence": null,
     "usage": {"input_tokens": 120, "output_tokens": 40}}
    """,
    Message::class.java,
)

private fun text(text: String) = """{"type": "text", "text": "$text"}"""

private fun toolUse(id: String, name: String, input: String) =
    """{"type": "tool_use", "id": "$id", "name": "$name", "input": $input}"""

class ClaudeAdvisorTest :
    FunSpec({
        val reading = SensorReading("home/sensors/livingroom/temperature", "28.5")

        fun mockedClient(answer: CompletableFuture<Message>): Pair<AnthropicClientAsync, MessageServiceAsync> {
            val messages = mockk<MessageServiceAsync>()
            every { messages.create(any<MessageCreateParams>()) } returns answer
            val client = mockk<AnthropicClientAsync>()
            every { client.messages() } returns messages
            return client to messages
        }

        test("the request carries the model, the publish tool, the allowed prefixes and the reading") {
            val (client, messages) = mockedClient(CompletableFuture.completedFuture(reply(text("Nothing to do."))))
            val sent = slot<MessageCreateParams>()
            every { messages.create(capture(sent)) } returns CompletableFuture.completedFuture(reply(text("ok")))
            ClaudeAdvisor(client, model = "claude-test-model", allowedPrefixes = listOf("home/", "garden/"))
                .advise(reading)
            val request = sent.captured
            request.model().asString() shouldBe "claude-test-model"
            val tool = request.tools().get().single().tool().get()
            tool.name() shouldBe "publish_mqtt"
            tool.inputSchema().required().get() shouldContainExactly listOf("topic", "payload")
            val wire = jsonMapper().writeValueAsString(request._body())
            wire shouldContain """"input_schema":{"type":"object","properties":{"topic":{"type":"string""""
            wire shouldContain """"tool_choice":{"type":"auto"}"""
            request.system().get().string().get() shouldContain "home/, garden/"
            val user = request.messages().single().content().string().get()
            user shouldContain "home/sensors/livingroom/temperature"
            user shouldContain "28.5"
            verify(exactly = 1) { messages.create(any<MessageCreateParams>()) }
        }

        test("each publish_mqtt call in the reply becomes a suggestion, in order") {
            val answer = reply(
                text("It is warm: cooling the living room."),
                toolUse("toolu_1", "publish_mqtt", """{"topic": "home/livingroom/ac/set", "payload": "on"}"""),
                toolUse("toolu_2", "publish_mqtt", """{"topic": "home/livingroom/blinds/set", "payload": "down"}"""),
            )
            val (client, _) = mockedClient(CompletableFuture.completedFuture(answer))
            ClaudeAdvisor(client).advise(reading) shouldContainExactly listOf(
                Suggestion("home/livingroom/ac/set", "on"),
                Suggestion("home/livingroom/blinds/set", "down"),
            )
        }

        test("a text-only reply means nothing to publish") {
            val (client, _) = mockedClient(CompletableFuture.completedFuture(reply(text("All normal."))))
            ClaudeAdvisor(client).advise(reading).shouldBeEmpty()
        }

        test("calls without a topic or payload, and calls of other tools, are skipped") {
            val answer = reply(
                toolUse("toolu_1", "publish_mqtt", """{"topic": "home/x"}"""),
                toolUse("toolu_2", "other_tool", """{"topic": "home/y", "payload": "1"}"""),
                toolUse("toolu_3", "publish_mqtt", """{"topic": "home/z", "payload": 5}"""),
                toolUse("toolu_4", "publish_mqtt", """{"topic": "home/ok", "payload": "yes"}"""),
            )
            val (client, _) = mockedClient(CompletableFuture.completedFuture(answer))
            ClaudeAdvisor(client).advise(reading) shouldContainExactly listOf(Suggestion("home/ok", "yes"))
        }

        test("a failed API call reaches the caller") {
            val (client, _) = mockedClient(CompletableFuture.failedFuture(IOException("connection reset")))
            shouldThrow<IOException> { ClaudeAdvisor(client).advise(reading) }.message shouldBe "connection reset"
        }

        test("a missing API key is a configuration error naming the variable") {
            val e = shouldThrow<ConfigException> { ClaudeAdvisor.fromEnvironment(emptyMap()) }
            e.option shouldBe "ANTHROPIC_API_KEY"
            e.message shouldContain "ANTHROPIC_API_KEY: is not set"
            shouldThrow<ConfigException> { ClaudeAdvisor.fromEnvironment(mapOf("ANTHROPIC_API_KEY" to " ")) }
        }

        test("with a key, the model comes from ANTHROPIC_MODEL or the default") {
            val key = mapOf("ANTHROPIC_API_KEY" to "sk-ant-test")
            ClaudeAdvisor.fromEnvironment(key).model shouldBe ClaudeAdvisor.DEFAULT_MODEL
            ClaudeAdvisor.fromEnvironment(key + ("ANTHROPIC_MODEL" to "claude-other")).model shouldBe "claude-other"
        }
    })
