package dev.mqttflow.bench

import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong

/**
 * Counts messages the same way in every JVM contender: one atomic increment and one clock read per
 * message. Reports once, when [target] is reached or when [finish] is called, whichever comes first.
 */
class Counter(private val target: Long, private val report: (count: Long, lastNanos: Long) -> Unit) {
    private val count = AtomicLong()
    private val reported = AtomicBoolean()

    @Volatile
    private var lastNanos = 0L

    val current: Long get() = count.get()

    fun hit() {
        lastNanos = System.nanoTime()
        if (count.incrementAndGet() == target) finish()
    }

    fun finish() {
        if (reported.compareAndSet(false, true)) report(count.get(), lastNanos)
    }
}
