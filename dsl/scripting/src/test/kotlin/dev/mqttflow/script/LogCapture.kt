package dev.mqttflow.script

import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.AppenderBase
import kotlinx.coroutines.channels.Channel
import org.slf4j.LoggerFactory

/** Captures what a logger logs, for asserting on log lines; [close] detaches it. */
class LogCapture(name: String) : AutoCloseable {
    private val logger = LoggerFactory.getLogger(name) as Logger
    val events = Channel<ILoggingEvent>(Channel.UNLIMITED)
    private val appender = object : AppenderBase<ILoggingEvent>() {
        override fun append(event: ILoggingEvent) {
            events.trySend(event)
        }
    }

    init {
        appender.start()
        logger.addAppender(appender)
    }

    override fun close() {
        logger.detachAppender(appender)
        appender.stop()
    }
}
