package dev.mqttflow.errors

/**
 * A schedule that cannot work: a cron expression that does not parse, a daily time that is not
 * `HH:mm`, a sun trigger without a location. [expression] is the input as the user wrote it.
 */
public class ScheduleException(public val expression: String, public val reason: String, cause: Throwable? = null) :
    MqttFlowException("schedule '${expression.abbreviate()}': $reason", cause)
