package dev.mqttflow.internal

import dev.mqttflow.internal.timers.TimerEngine

/**
 * A durable timer whose deadline came: it waits in the worker's inbox like a message and fires
 * when the loop takes it, one at a time with the handlers. [generation] tells a firing that is
 * still current from one superseded by a later arm, cancel, or a new worker instance ([engine]).
 */
internal class TimerWork(val engine: TimerEngine, val timer: String, val key: String, val generation: Long) : Work
