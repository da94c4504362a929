package dev.mqttflow

/**
 * Marks declarations that are public only so that mqttflow's own modules (the test kit, the
 * database and Redis modules, scripting, the command line) can reach them across artifacts. They
 * are not API: they change without notice. Using one needs `@OptIn(InternalMqttFlowApi::class)`.
 */
@RequiresOptIn(
    message = "This is mqttflow's internal API for its own modules; it may change without notice.",
    level = RequiresOptIn.Level.ERROR,
)
@Retention(AnnotationRetention.BINARY)
@Target(
    AnnotationTarget.CLASS,
    AnnotationTarget.FUNCTION,
    AnnotationTarget.PROPERTY,
    AnnotationTarget.CONSTRUCTOR,
    AnnotationTarget.TYPEALIAS,
)
public annotation class InternalMqttFlowApi
