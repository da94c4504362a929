package dev.mqttflow.cli

import dev.mqttflow.config.MqttFlowConfig

/** The settings of issue 18's deployments: the instance group whose members share the subscriptions. */
internal object DeploySettings {
    private const val MAX_SHOWN = 40

    val group = Setting(
        "group",
        listOf("--group"),
        "MQTTFLOW_GROUP",
        "NAME",
        "instance group: subscriptions become \$share/NAME/filter, so each message goes to one instance " +
            "(state caches stay per instance; see docs/deploy.md)",
        defaultText = "none: every instance gets every message",
    ) { text ->
        try {
            MqttFlowConfig(group = text).group!! // the library's rule for a share name
        } catch (e: IllegalArgumentException) {
            throw BadValue(
                "expected a share name without '/', '+' or '#', got '${text.take(MAX_SHOWN)}'",
                e,
            )
        }
    }

    val all: List<Setting<*>> = listOf(group)
}
