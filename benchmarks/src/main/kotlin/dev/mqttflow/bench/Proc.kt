package dev.mqttflow.bench

import java.io.File
import java.nio.file.Files
import java.nio.file.Path

/**
 * What Linux's /proc says about processes and the machine: CPU time in nanoseconds (resolution one
 * clock tick, 10 ms on this kernel), resident memory in bytes.
 */
object Proc {
    /** Clock ticks per second (`getconf CLK_TCK`); 100 on every Linux this runs on. */
    private const val CLOCK_TICKS = 100L
    private const val NANOS_PER_TICK = 1_000_000_000L / CLOCK_TICKS

    // Fields of /proc/PID/stat counted from the one after the command's closing parenthesis (field 3).
    private const val UTIME = 11
    private const val STIME = 12
    private const val CUTIME = 13
    private const val CSTIME = 14

    /** User + system CPU of [pid], its live threads and its dead ones; 0 if the process is gone. */
    fun cpuNanos(pid: Long): Long {
        val f = statFields(pid) ?: return 0
        return (f[UTIME].toLong() + f[STIME].toLong()) * NANOS_PER_TICK
    }

    /** This JVM's CPU plus that of its children it has reaped (their CPU moves here when they exit). */
    fun selfWithReapedChildrenNanos(): Long {
        val f = statFields(ProcessHandle.current().pid()) ?: return 0
        return (f[UTIME].toLong() + f[STIME].toLong() + f[CUTIME].toLong() + f[CSTIME].toLong()) * NANOS_PER_TICK
    }

    /** Busy CPU of the whole machine (all cores), from the first line of /proc/stat. */
    fun machineBusyNanos(): Long {
        val cpu = File("/proc/stat").useLines { lines -> lines.first() }.trim().split(Regex("\\s+")).drop(1)
        val n = cpu.map { it.toLong() }
        // user nice system idle iowait irq softirq steal [guest guest_nice, already inside user/nice]
        val busy = n[0] + n[1] + n[2] + n[5] + n[6] + n.getOrElse(7) { 0 }
        return busy * NANOS_PER_TICK
    }

    /**
     * Context switches (voluntary + involuntary) of the live threads of [pid]: a thread handing a
     * message to another that sleeps costs a wake-up, and shows here. Threads that ended are not counted.
     */
    fun contextSwitches(pid: Long): Long {
        val tasks = File("/proc/$pid/task").listFiles() ?: return 0
        return tasks.sumOf { task ->
            runCatching {
                File(task, "status").readLines().filter { it.contains("ctxt_switches:") }
                    .sumOf { it.substringAfter(':').trim().toLong() }
            }.getOrDefault(0L)
        }
    }

    /** Resident set size of [pid] in bytes (VmRSS), 0 if unknown. */
    fun rssBytes(pid: Long = ProcessHandle.current().pid()): Long {
        val status = Path.of("/proc/$pid/status")
        if (!Files.exists(status)) return 0
        val line = Files.readAllLines(status).firstOrNull { it.startsWith("VmRSS:") } ?: return 0
        return line.removePrefix("VmRSS:").trim().removeSuffix("kB").trim().toLong() * 1024
    }

    private fun statFields(pid: Long): List<String>? {
        val text = try {
            Files.readString(Path.of("/proc/$pid/stat"))
        } catch (_: java.io.IOException) {
            return null
        }
        return text.substring(text.lastIndexOf(')') + 2).trim().split(' ')
    }
}

/**
 * CPU used on the machine by processes other than this harness and what it started, between [start]
 * and [stop]. [ours] returns the CPU of our live children (broker, nodes) at that moment.
 */
class OtherLoad(private val ours: () -> Long) {
    private var busy0 = 0L
    private var own0 = 0L
    private var wall0 = 0L

    fun start() {
        busy0 = Proc.machineBusyNanos()
        own0 = Proc.selfWithReapedChildrenNanos() + ours()
        wall0 = System.nanoTime()
    }

    /** Average number of cores the other processes kept busy since [start]. */
    fun stop(): Double {
        val busy = Proc.machineBusyNanos() - busy0
        val own = Proc.selfWithReapedChildrenNanos() + ours() - own0
        val wall = System.nanoTime() - wall0
        return ((busy - own).coerceAtLeast(0).toDouble() / wall.coerceAtLeast(1))
    }
}
