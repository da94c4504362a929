package dev.mqttflow.cli

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.LoggerContext
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

    fun apply(verbosity: Int) {
        val context = LoggerFactory.getILoggerFactory() as? LoggerContext ?: return
        val ours = if (verbosity >= 1) Level.DEBUG else Level.INFO
        context.getLogger("mqttflow").level = ours
        context.getLogger("dev.mqttflow").level = ours
        context.getLogger("com.hivemq.client").level = if (verbosity >= 2) Level.INFO else Level.WARN
    }
}
