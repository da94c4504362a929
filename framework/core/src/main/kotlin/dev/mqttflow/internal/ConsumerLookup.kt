package dev.mqttflow.internal

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.errors.WorkerException

/**
 * Finds a consumer by name: a class implementing [Consumer] (a Kotlin `object`, or a class with a
 * no-argument constructor), or `Class#member` for a top-level `val`/function (`com.x.RoomKt#room`).
 */
internal object ConsumerLookup {
    fun load(target: String, loader: ClassLoader = Thread.currentThread().contextClassLoader): Consumer {
        val className = target.substringBefore('#')
        val member = target.substringAfter('#', "").ifEmpty { null }
        val type = try {
            Class.forName(className, true, loader)
        } catch (_: ClassNotFoundException) {
            throw WorkerException("consumer '$target': no class $className on the classpath")
        }
        val value: Any? = if (member == null) instantiate(type, target) else memberValue(type, member, target)
        return value as? Consumer
            ?: throw WorkerException(
                "consumer '$target' is a ${value?.javaClass?.name}, not a dev.mqttflow.consumer.Consumer",
            )
    }

    private fun instantiate(type: Class<*>, target: String): Any? {
        type.declaredFields.firstOrNull { it.name == "INSTANCE" && java.lang.reflect.Modifier.isStatic(it.modifiers) }
            ?.let { return it.get(null) }
        val constructor = type.constructors.firstOrNull { it.parameterCount == 0 }
            ?: throw WorkerException("consumer '$target': ${type.name} has no public no-argument constructor")
        return constructor.newInstance()
    }

    private fun memberValue(type: Class<*>, member: String, target: String): Any? {
        val getter = "get" + member.replaceFirstChar { it.uppercase() }
        val method = type.methods.firstOrNull {
            java.lang.reflect.Modifier.isStatic(it.modifiers) && it.parameterCount == 0 &&
                (it.name == getter || it.name == member)
        }
        if (method != null) return method.invoke(null)
        val field = type.fields.firstOrNull { java.lang.reflect.Modifier.isStatic(it.modifiers) && it.name == member }
            ?: throw WorkerException("consumer '$target': ${type.name} has no static $member, $getter() or $member()")
        return field.get(null)
    }
}
