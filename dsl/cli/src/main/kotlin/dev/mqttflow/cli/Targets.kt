package dev.mqttflow.cli

import dev.mqttflow.consumer.Consumer
import java.lang.reflect.InvocationTargetException
import java.lang.reflect.Method
import java.lang.reflect.Modifier

/** A TARGET that names no consumer; the message says what was found instead. */
internal class TargetException(val target: String, reason: String) : Exception("target '$target': $reason")

/**
 * Turns one kind of TARGET into consumers. The CLI asks each loader in turn; the first that
 * [accepts] a target loads it. This is the seam where `.mqtt.kts` scripts plug in.
 */
internal interface TargetLoader {
    fun accepts(target: String): Boolean

    fun load(target: String): List<Consumer>
}

/** Every TARGET of a command line, loaded in order by the first loader that accepts it. */
internal class Targets(private val loaders: List<TargetLoader>) {
    fun load(targets: List<String>): List<Consumer> = targets.flatMap { target ->
        val loader = loaders.firstOrNull { it.accepts(target) }
            ?: throw TargetException(target, "no loader accepts it")
        loader.load(target)
    }

    companion object {
        /** The loaders of this version: `.mqtt.kts` [scripts], then classes on [classLoader]. */
        fun standard(classLoader: ClassLoader, scripts: ScriptTargetLoader): Targets =
            Targets(listOf(scripts, ClassTargetLoader(classLoader)))
    }
}

/**
 * A consumer on the classpath, the way mqttasgi takes `module:attr`:
 * - `com.example.LightsKt#lights`: a static getter `getLights()`, a static no-argument function
 *   `lights()` or a static field `lights` (also on a Kotlin `object` or companion) whose value is a
 *   [Consumer] or a list or array of them;
 * - `com.example.JavaConsumer`: a class implementing [Consumer] with a no-argument constructor,
 *   or a Kotlin `object` implementing it.
 */
internal class ClassTargetLoader(private val classLoader: ClassLoader) : TargetLoader {
    override fun accepts(target: String): Boolean = true

    override fun load(target: String): List<Consumer> {
        val className = target.substringBefore('#')
        val member = if ('#' in target) target.substringAfter('#') else null
        if (className.isBlank() || member?.isBlank() == true || member?.contains('#') == true) {
            target.fail("expected CLASS or CLASS#MEMBER, like com.example.LightsKt#lights")
        }
        val type = loadClass(target, className, member != null)
        val value = if (member == null) instantiate(target, type) else memberValue(target, type, member)
        return consumers(target, value)
    }

    private fun loadClass(target: String, className: String, hasMember: Boolean): Class<*> = try {
        Class.forName(className, true, classLoader)
    } catch (_: ClassNotFoundException) {
        val hint = if (hasMember && !className.endsWith("Kt")) {
            " (a top-level val in Lights.kt lives in class LightsKt; add your classes with --classpath)"
        } else {
            " (add your classes with --classpath)"
        }
        target.fail("no class $className on the classpath$hint")
    } catch (e: ExceptionInInitializerError) {
        target.fail("initialising $className threw ${describe(e.cause ?: e)}")
    } catch (e: LinkageError) {
        target.fail("cannot load $className: ${describe(e)}")
    }

    private fun instantiate(target: String, type: Class<*>): Any {
        if (!Consumer::class.java.isAssignableFrom(type)) {
            val found = consumerMembers(type)
            val hint = if (found.isEmpty()) "" else "; it has ${found.asMembers()}, name one as CLASS#MEMBER"
            target.fail("${type.name} is not a ${Consumer::class.java.name}$hint")
        }
        kotlinObject(type)?.let { return it }
        if (Modifier.isAbstract(type.modifiers)) target.fail("${type.name} is abstract")
        val constructor = type.constructors.firstOrNull { it.parameterCount == 0 }
            ?: target.fail("${type.name} has no public no-argument constructor")
        return invoke(target, "new ${type.simpleName}()") { constructor.newInstance() }
    }

    private fun memberValue(target: String, type: Class<*>, member: String): Any? {
        val getter = "get" + member.replaceFirstChar { it.uppercaseChar() }
        val holders = listOfNotNull<Pair<Any?, Class<*>>>(
            null to type,
            kotlinObject(type)?.let { it to it.javaClass },
            companion(type),
        )
        for ((instance, holder) in holders) {
            val static = instance == null
            val method = holder.methods.firstOrNull {
                it.parameterCount == 0 && (it.name == getter || it.name == member) && isStatic(it) == static
            }
            if (method != null) {
                return invoke(target, "${holder.simpleName}.${method.name}()") { method.invoke(instance) }
            }
            val field = holder.fields.firstOrNull { it.name == member && Modifier.isStatic(it.modifiers) == static }
            if (field != null) return field.get(instance)
        }
        val found = consumerMembers(type)
        val what = if (found.isEmpty()) " and no member returning a Consumer" else "; it has ${found.asMembers()}"
        target.fail("${type.name} has no public $getter(), $member() or field $member$what")
    }

    private fun consumers(target: String, value: Any?): List<Consumer> {
        val items: List<Any?> = when (value) {
            is Consumer -> return listOf(value)
            is Iterable<*> -> value.toList()
            is Array<*> -> value.toList()
            null -> target.fail("it is null, not a Consumer")
            else -> target.fail("it is a ${value.javaClass.name}, not a Consumer")
        }
        if (items.isEmpty()) target.fail("it is an empty list: no consumer to run")
        val bad = items.firstOrNull { it !is Consumer }
        if (bad != null) target.fail("its list holds a ${bad.javaClass.name}, not a Consumer")
        return items.filterIsInstance<Consumer>()
    }

    private fun <T> invoke(target: String, what: String, block: () -> T): T = try {
        block()
    } catch (e: InvocationTargetException) {
        target.fail("$what threw ${describe(e.cause ?: e)}")
    } catch (e: ReflectiveOperationException) {
        target.fail("cannot call $what: ${describe(e)}")
    }

    private fun kotlinObject(type: Class<*>): Any? =
        type.fields.firstOrNull { it.name == "INSTANCE" && it.type == type && Modifier.isStatic(it.modifiers) }
            ?.get(null)

    private fun companion(type: Class<*>): Pair<Any, Class<*>>? =
        type.fields.firstOrNull { it.name == "Companion" && Modifier.isStatic(it.modifiers) }?.get(null)
            ?.let { it to it.javaClass }

    /** Names of no-argument members returning consumers, for "what was found" hints. */
    private fun consumerMembers(type: Class<*>): List<String> = type.methods
        .filter { it.parameterCount == 0 && returnsConsumers(it) && it.declaringClass != Any::class.java }
        .map { m -> propertyName(m.name) ?: m.name }
        .distinct()
        .sorted()

    /** `getLights` → `lights`; null for a name that is no getter. */
    private fun propertyName(method: String): String? =
        method.removePrefix("get").takeIf { it != method && it.isNotEmpty() }?.replaceFirstChar { it.lowercaseChar() }

    private fun List<String>.asMembers(): String = joinToString { "#$it" }

    private fun returnsConsumers(method: Method): Boolean = Consumer::class.java.isAssignableFrom(method.returnType) ||
        (List::class.java.isAssignableFrom(method.returnType) && method.genericReturnType.typeName.contains("Consumer"))

    private fun isStatic(method: Method) = Modifier.isStatic(method.modifiers)

    private fun describe(e: Throwable): String = e.javaClass.simpleName + (e.message?.let { ": $it" } ?: "")

    private fun String.fail(reason: String): Nothing = throw TargetException(this, reason)
}
