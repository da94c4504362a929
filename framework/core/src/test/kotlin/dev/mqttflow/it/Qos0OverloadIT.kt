package dev.mqttflow.it

import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.AppenderBase
import dev.mqttflow.config.MqttFlowConfig
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveAtLeastSize
import io.kotest.matchers.collections.shouldHaveAtMostSize
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import org.slf4j.LoggerFactory
import java.nio.file.Files
import java.util.Collections
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * QoS 0 overload on a real Mosquitto: a slow consumer, a flood of QoS 0 messages, a small buffer.
 * The excess is dropped in the connection layer and reported as one summary line per interval —
 * not one line per message — and what is still buffered at shutdown is counted in one line.
 */
class Qos0OverloadIT :
    FunSpec({
        test("a QoS 0 flood into a slow consumer: drops are summarised per interval, discards counted at shutdown") {
            val lines = Collections.synchronizedList(mutableListOf<ILoggingEvent>())
            val appender = object : AppenderBase<ILoggingEvent>() {
                override fun append(event: ILoggingEvent) {
                    lines += event
                }
            }.apply { start() }
            val loggers = listOf("mqttflow.connection", "com.hivemq.client").map {
                (LoggerFactory.getLogger(it) as Logger).apply { addAppender(appender) }
            }
            try {
                Mosquitto().use { broker ->
                    val handled = AtomicInteger()
                    val ready = CompletableDeferred<Unit>()
                    val slow = consumer("slow", onConnect = {
                        subscribe("flood/x", qos = 0)
                        ready.complete(Unit)
                    }) {
                        handled.incrementAndGet()
                        delay(5.milliseconds)
                    }
                    val config = MqttFlowConfig(host = "127.0.0.1", port = broker.port, qos0BufferMessages = 100)
                    val job = runFlow(config, slow)
                    withTimeout(30.seconds) { ready.await() }
                    withContext(Dispatchers.IO) { flood(broker.port, FLOOD) }
                    delay(7.seconds) // at least one report interval
                    job.cancelAndJoin()
                }
            } finally {
                loggers.forEach { it.detachAppender(appender) }
            }
            val events = lines.toList()
            val summaries = events.filter { it.formattedMessage.startsWith("dropped ") }
            summaries shouldHaveAtLeastSize 1
            summaries shouldHaveAtMostSize 3
            summaries.first().formattedMessage.contains(
                Regex("^dropped \\d+ QoS 0 messages on flood/x in the last 5 s: consumer too slow"),
            ) shouldBe
                true
            val dropped = summaries.sumOf {
                Regex("^dropped (\\d+)").find(it.formattedMessage)!!.groupValues[1].toLong()
            }
            dropped shouldBeGreaterThan 0L
            events.filter { it.formattedMessage.contains("QoS 0 publish message dropped") }.shouldBeEmpty()
        }
    })

private const val FLOOD = 20_000

/** [n] QoS 0 messages as fast as `mosquitto_pub -l` sends them. */
private fun flood(port: Int, n: Int) {
    val lines = Files.createTempFile("flood-", ".txt")
    Files.writeString(lines, (1..n).joinToString("\n", postfix = "\n"))
    val p = ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", "$port", "-t", "flood/x", "-q", "0", "-l")
        .redirectInput(lines.toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
    check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "mosquitto_pub failed" }
    Files.delete(lines)
}
