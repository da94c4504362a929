package dev.mqttflow.script

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOn
import java.io.File
import java.nio.file.Files
import java.nio.file.attribute.BasicFileAttributes
import java.security.MessageDigest
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * Watches script files for edits by polling (it works the same on every file system, and with
 * editors that save by renaming a temporary file).
 *
 * A file is reported once its size and modification time stayed the same for one [interval] after
 * a change (so a half-saved file is not compiled) and its content differs from the last reported
 * one (so touching a file or saving it unchanged reports nothing). A file that disappears is
 * reported when it comes back changed.
 */
public class ScriptWatcher(
    files: Collection<File>,
    private val interval: Duration = DEFAULT_INTERVAL,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) {
    private val files = files.map { it.absoluteFile }.distinct()

    init {
        require(interval.isPositive()) { "the watch interval must be positive, not $interval" }
    }

    /** What the files looked like when this watcher was made: changes are counted from here. */
    private val baseline = this.files.associateWith { stat(it) to digest(it) }

    /**
     * The files (absolute) whose content changed since this watcher was made, one emission per
     * settled change; runs until cancelled.
     */
    public fun changes(): Flow<File> = flow {
        val states = baseline.mapValues { (_, v) -> FileState(v.first, v.second) }
        while (true) {
            delay(interval)
            for ((file, state) in states) {
                val now = stat(file)
                if (now != state.lastSeen) {
                    state.lastSeen = now // still changing: wait until it settles
                } else if (now != null && now != state.reported) {
                    state.reported = now
                    val content = digest(file)
                    if (content != null && content != state.content) {
                        state.content = content
                        emit(file)
                    }
                }
            }
        }
    }.flowOn(io)

    private class FileState(stat: Stat?, var content: String?) {
        var lastSeen: Stat? = stat
        var reported: Stat? = stat
    }

    private data class Stat(val modified: Long, val size: Long)

    private fun stat(file: File): Stat? = try {
        val attributes = Files.readAttributes(file.toPath(), BasicFileAttributes::class.java)
        if (attributes.isRegularFile) {
            Stat(
                attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS),
                attributes.size(),
            )
        } else {
            null
        }
    } catch (_: java.io.IOException) {
        null
    }

    private fun digest(file: File): String? = try {
        MessageDigest.getInstance("SHA-256").digest(file.readBytes()).toHex()
    } catch (_: java.io.IOException) {
        null
    }

    public companion object {
        /** How often files are looked at: a change is seen within two intervals. */
        public val DEFAULT_INTERVAL: Duration = 100.milliseconds
    }
}
