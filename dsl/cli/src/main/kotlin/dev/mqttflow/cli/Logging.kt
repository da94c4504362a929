package dev.mqttflow.cli

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.LoggerContext
import ch.qos.logback.classic.encoder.JsonEncoder
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.ConsoleAppender
import org.slf4j.LoggerFactory
import org.slf4j.bridge.SLF4JBridgeHandler

/**
 * Logging of the command line: one line per event on stderr (the format is in
 * `dev/mqttflow/cli/logback-cli.xml`), levels set from `-v`:
 *
 * | -v | mqttflow | HiveMQ client | HiveMQ CE broker, Netty |
 * |----|----------|---------------|-------------------------|
 * | 0  | INFO     | WARN          | WARN                    |
 * | 1  | DEBUG    | WARN          | WARN                    |
 * | 2  | DEBUG    | INFO          | WARN                    |
 *
 * Only the command line configures logging; an application embedding mqttflow keeps its own.
 */
internal object Logging {
    const val CONFIG_RESOURCE: String = "dev/mqttflow/cli/logback-cli.xml"

    /** Call first thing in `main`, before any logger exists. */
    fun bootstrap() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", CONFIG_RESOURCE)
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger()
        SLF4JBridgeHandler.install()
    }

    fun apply(verbosity: Int, format: LogFormat = LogFormat.TEXT) {
        val context = LoggerFactory.getILoggerFactory() as? LoggerContext ?: return
        if (format == LogFormat.JSON) json(context)
        val ours = if (verbosity >= 1) Level.DEBUG else Level.INFO
        context.getLogger("mqttflow").level = ours
        context.getLogger("dev.mqttflow").level = ours
        context.getLogger("com.hivemq.client").level = if (verbosity >= 2) Level.INFO else Level.WARN
    }

    /**
     * `--log-format json`: logback's own [JsonEncoder] on the stderr appender, one JSON object per
     * line with the level, logger, thread, message, the MDC (`worker`, `consumer`, `topic`) and the
     * stack trace; control characters in strings are JSON-escaped.
     */
    private fun json(context: LoggerContext) {
        val appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR")
            as? ConsoleAppender<ILoggingEvent> ?: return
        val encoder = JsonEncoder().apply {
            this.context = context
            setWithSequenceNumber(false)
            setWithNanoseconds(false)
            setWithContext(false)
            setWithArguments(false)
            setWithMessage(false) // the pattern with its {} placeholders
            setWithFormattedMessage(true) // the message as the text format shows it
            start()
        }
        appender.stop()
        appender.encoder = encoder
        appender.start()
    }
}
