package dev.mqttflow.samples.ai

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.mqttConsumer
import dev.mqttflow.errors.InvalidTopicException
import dev.mqttflow.routing.Topics
import dev.mqttflow.samples.runSample
import kotlinx.coroutines.CancellationException
import org.slf4j.LoggerFactory
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Clock
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Instant

/**
 * Sample 2, AI-assisted automation (mqttasgi's second idea).
 *
 * Sensors publish under `home/sensors/#`. Each reading goes to an [Advisor] (Claude, by default),
 * which answers with messages to publish; those are published if their topic is allowed (under
 * [AiSettings.allowedPrefixes], never back under the sensors' own prefix, no wildcards). A sensor is
 * asked about at most once per [AiSettings.minInterval], so a chatty sensor cannot run up the bill.
 */
data class AiSettings(
    val sensorFilter: String = "home/sensors/#",
    val allowedPrefixes: List<String> = listOf("home/"),
    val minInterval: Duration = 1.minutes,
    val qos: Int = 1,
)

/** The sample with Claude as advisor; the key comes from `ANTHROPIC_API_KEY`. */
fun aiAutomation(): Consumer = aiAutomation(ClaudeAdvisor.fromEnvironment(), AiSettings())

fun aiAutomation(advisor: Advisor, settings: AiSettings): Consumer {
    val log = LoggerFactory.getLogger("mqttflow.samples.ai")
    val guard = TopicGuard(settings.allowedPrefixes, forbiddenFilter = settings.sensorFilter)
    val gate = RateGate(settings.minInterval)
    return mqttConsumer("ai-automation") {
        onConnect { subscribe(settings.sensorFilter, qos = settings.qos) }
        onMessage { msg ->
            if (!gate.allow(msg.topic, clock)) {
                log.debug("{}: asked less than {} ago, skipped", msg.topic, settings.minInterval)
                return@onMessage
            }
            val suggestions = try {
                advisor.advise(SensorReading(msg.topic, msg.text))
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                log.warn("{}: the advisor failed, nothing published: {}", msg.topic, e.message)
                return@onMessage
            }
            for (s in suggestions) {
                val refusal = guard.refusal(s.topic)
                if (refusal == null) {
                    publish(s.topic, s.payload, qos = settings.qos)
                } else {
                    log.warn("{}: refused the advisor's publish to '{}': {}", msg.topic, s.topic, refusal)
                }
            }
        }
    }
}

/** Which topics the advisor may publish to. */
class TopicGuard(private val allowedPrefixes: List<String>, private val forbiddenFilter: String) {
    /** Why publishing to [topic] is refused, or null when it is allowed. */
    fun refusal(topic: String): String? {
        try {
            Topics.validateTopic(topic)
        } catch (e: InvalidTopicException) {
            return e.reason
        }
        return when {
            allowedPrefixes.none { topic.startsWith(it) } -> "not under ${allowedPrefixes.joinToString()}"
            Topics.matches(forbiddenFilter, topic) -> "it would feed back into $forbiddenFilter"
            else -> null
        }
    }
}

/** Lets a key through at most once per [interval] of the given clock. */
class RateGate(private val interval: Duration) {
    private val last = ConcurrentHashMap<String, Instant>()

    fun allow(key: String, clock: Clock): Boolean {
        val now = clock.now()
        val previous = last[key]
        if (previous != null && now - previous < interval) return false
        last[key] = now
        return true
    }
}

/** Runs the sample: see docs/samples.md. */
fun main() = runSample { listOf(aiAutomation()) }
