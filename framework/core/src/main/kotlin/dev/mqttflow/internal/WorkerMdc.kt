package dev.mqttflow.internal

import dev.mqttflow.InternalMqttFlowApi
import kotlinx.coroutines.ThreadContextElement
import org.slf4j.MDC
import kotlin.coroutines.CoroutineContext

/**
 * Puts `worker`, `consumer` and (for the worker's loop, while a message is handled) `topic` into
 * SLF4J's MDC on every thread a worker's coroutine runs on, and takes them out when it leaves the
 * thread: handlers suspend and resume on other threads, so setting the MDC once would be wrong.
 *
 * One instance per worker (and one for its loop); nothing is allocated per message or per resume
 * unless the thread already carried another worker's context (a `runBlocking` inside a handler),
 * which is saved and put back.
 */
@InternalMqttFlowApi
public class WorkerMdc(private val worker: String, private val consumer: String) : ThreadContextElement<Any?> {
    /** The topic of the message in hand (loop element only); set with [enter], cleared with [leave]. */
    @Volatile
    private var topic: String? = null

    override val key: CoroutineContext.Key<WorkerMdc> get() = Key

    override fun updateThreadContext(context: CoroutineContext): Any? {
        val saved: Any? = if (MDC.get(WORKER) !=
            null
        ) {
            Saved(MDC.get(WORKER), MDC.get(CONSUMER), MDC.get(TOPIC))
        } else {
            null
        }
        MDC.put(WORKER, worker)
        MDC.put(CONSUMER, consumer)
        val t = topic
        if (t != null) {
            MDC.put(TOPIC, t)
        } else if (saved != null) {
            MDC.remove(TOPIC)
        }
        return saved
    }

    override fun restoreThreadContext(context: CoroutineContext, oldState: Any?) {
        if (oldState is Saved) {
            put(WORKER, oldState.worker)
            put(CONSUMER, oldState.consumer)
            put(TOPIC, oldState.topic)
        } else {
            MDC.remove(WORKER)
            MDC.remove(CONSUMER)
            MDC.remove(TOPIC)
        }
    }

    /** The loop starts handling a message on [topic] (on the loop's own thread). */
    public fun enter(topic: String) {
        val printable = topic.forLog()
        this.topic = printable
        MDC.put(TOPIC, printable)
    }

    /** The loop is done with the message. */
    public fun leave() {
        topic = null
        MDC.remove(TOPIC)
    }

    private fun put(key: String, value: String?) {
        if (value == null) MDC.remove(key) else MDC.put(key, value)
    }

    private class Saved(val worker: String?, val consumer: String?, val topic: String?)

    public companion object Key : CoroutineContext.Key<WorkerMdc> {
        public const val WORKER: String = "worker"
        public const val CONSUMER: String = "consumer"
        public const val TOPIC: String = "topic"
    }
}

private const val FIRST_PRINTABLE = 0x20
private const val DEL = 0x7f
private const val LAST_C1 = 0x9f

/** Whether [c] is a control character (C0, DEL, C1) or a line/paragraph separator. */
internal fun isControl(c: Char): Boolean =
    c.code < FIRST_PRINTABLE || c.code in DEL..LAST_C1 || c == '\u2028' || c == '\u2029'

/**
 * The text with control characters written as `\u0000` escapes (and `\` as `\\` when any are), so
 * a log line stays one line of text: a NUL in a topic would make `grep` call the log binary, a
 * newline would forge a log line. Returns the same string, unallocated, when there is nothing to escape.
 */
internal fun String.forLog(): String {
    if (none(::isControl)) return this
    val out = StringBuilder()
    for (c in this) {
        when {
            c == '\\' -> out.append("\\\\")
            isControl(c) -> out.append("\\u%04x".format(c.code))
            else -> out.append(c)
        }
    }
    return out.toString()
}
