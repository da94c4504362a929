package dev.mqttflow

/** Marks mqttflow's DSL receivers so that an inner block cannot silently call an outer receiver. */
@DslMarker
@Target(AnnotationTarget.CLASS, AnnotationTarget.TYPE, AnnotationTarget.TYPEALIAS)
public annotation class MqttFlowDsl
