package dev.mqttflow.samples.ai

/** A sensor reading as it arrived: the topic and its payload as text. */
data class SensorReading(val topic: String, val payload: String)

/** A message the advisor suggests publishing. */
data class Suggestion(val topic: String, val payload: String)

/** Decides what to publish in answer to a reading; [ClaudeAdvisor] asks an LLM. */
fun interface Advisor {
    /** The messages to publish for [reading]; empty when nothing needs doing. */
    suspend fun advise(reading: SensorReading): List<Suggestion>
}
