package dev.mqttflow.bench

import java.io.File

/** What the numbers were measured on. */
data class Machine(
    val cores: Int,
    val cpu: String,
    val memory: String,
    val kernel: String,
    val jdk: String,
    val mosquitto: String,
    val loadAverage: String,
) {
    companion object {
        fun describe(): Machine {
            val cpuinfo = read("/proc/cpuinfo")
            val memKb = read("/proc/meminfo").lineSequence().firstOrNull { it.startsWith("MemTotal:") }
                ?.filter { it.isDigit() }?.toLongOrNull()
            return Machine(
                cores = Runtime.getRuntime().availableProcessors(),
                cpu = cpuinfo.lineSequence().firstOrNull { it.startsWith("model name") }
                    ?.substringAfter(':')?.trim() ?: "unknown",
                memory = memKb?.let { "%.0f GiB".format(it / 1024.0 / 1024.0) } ?: "unknown",
                kernel = read("/proc/version").split(' ').take(3).joinToString(" "),
                jdk = "${System.getProperty("java.vm.name")} ${System.getProperty("java.runtime.version")}",
                mosquitto = mosquittoVersion(),
                loadAverage = read("/proc/loadavg").split(' ').take(3).joinToString(" "),
            )
        }

        private fun read(path: String): String = runCatching { File(path).readText() }.getOrDefault("")

        private fun mosquittoVersion(): String = runCatching {
            val p = ProcessBuilder("mosquitto_sub", "--help").redirectErrorStream(true).start()
            val text = p.inputStream.bufferedReader().readText()
            p.waitFor()
            Regex("version (\\S+)").find(text)?.groupValues?.get(1) ?: "unknown"
        }.getOrDefault("unknown")
    }
}
