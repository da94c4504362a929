package dev.mqttflow.dsl

import dev.mqttflow.consumer.ConsumerContext
import kotlinx.coroutines.CancellationException

/**
 * Where a handler was registered in a `.mqtt.kts` script (`onMessage(…)` at `lights.mqtt.kts:12`),
 * so that a failure whose stack trace never passes through the script (an exception made on
 * another thread, like an HTTP client's `ConnectException`) still says which handler of which
 * script line was running. Only handlers registered from a script have a site.
 */
internal class HandlerSite private constructor(private val handler: String, private val frame: StackTraceElement) {
    /** `lights.mqtt.kts:12`. */
    val location: String get() = "${frame.fileName}:${frame.lineNumber}"

    /**
     * Adds a [HandlerRegistration] to [error]'s suppressed exceptions when neither it nor its causes
     * have a frame in the script; the thrown exception itself (its class, message and trace) is unchanged.
     */
    fun annotate(error: Throwable, consumer: String) {
        if (error is CancellationException || hasScriptFrame(error)) return
        if (error.suppressed.any { it is HandlerRegistration }) return
        val message = "while running $handler of consumer '$consumer', registered at $location"
        error.addSuppressed(HandlerRegistration(message, frame))
    }

    private fun hasScriptFrame(error: Throwable): Boolean = generateSequence(error) { it.cause }
        .take(MAX_CAUSES)
        .any { e -> e.stackTrace.any { it.fileName == frame.fileName && it.lineNumber > 0 } }

    companion object {
        private const val MAX_CAUSES = 8
        private const val SCRIPT_SUFFIX = ".kts"

        /** The site of the registration running now, if a script makes it; [handler] is `onMessage("home/#")`. */
        fun capture(handler: String): HandlerSite? = Thread.currentThread().stackTrace
            .firstOrNull { it.fileName?.endsWith(SCRIPT_SUFFIX) == true && it.lineNumber > 0 }
            ?.let { HandlerSite(handler, it) }
    }
}

/**
 * Attached (suppressed) to a script handler's failure that has no frame in the script: its message
 * names the handler and its registration line, its one stack frame is that line.
 */
internal class HandlerRegistration(message: String, frame: StackTraceElement) : RuntimeException(message) {
    init {
        stackTrace = arrayOf(frame)
    }

    override fun fillInStackTrace(): Throwable = this
}

/** Runs [block]; a failure gets this site's registration attached (see [annotate]) and is rethrown. */
// Every failure, errors included, passes through unchanged; only a suppressed exception is added.
@Suppress("TooGenericExceptionCaught")
internal inline fun <T> HandlerSite.around(consumer: String, block: () -> T): T = try {
    block()
} catch (e: Throwable) {
    annotate(e, consumer)
    throw e
}

/** [handler] of [consumer], reporting its registration line when it fails, if a script registers it now. */
internal fun sited(consumer: String, what: String, handler: LifecycleHandler): LifecycleHandler {
    val site = HandlerSite.capture(what) ?: return handler
    return { site.around(consumer) { handler() } }
}

/** [handler] of [consumer], reporting its registration line when it fails, if a script registers it now. */
internal fun <T> sited(
    consumer: String,
    what: String,
    handler: suspend ConsumerContext.(T) -> Unit,
): suspend ConsumerContext.(T) -> Unit {
    val site = HandlerSite.capture(what) ?: return handler
    return { value -> site.around(consumer) { handler(value) } }
}
