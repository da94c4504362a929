package dev.mqttflow.bench

/** How much each figure does. [FULL] is what `scripts/bench` runs; [SMOKE] keeps the harness alive in CI. */
data class Sizes(
    /** (QoS, messages) per burst of figure 1. */
    val bursts: List<Pair<Int, Int>>,
    /** The warm-up round's size, as a fraction of the burst. */
    val warmupFraction: Double,
    val repetitions: Int,
    val rttQos: List<Int>,
    val rttOneAtATime: Int,
    val rttFixedRate: Int,
    val rttPerSecond: Int,
    val memoryWorkers: Int,
    val memoryRepetitions: Int,
    val startupRepetitions: Int,
    val routerFilters: Int,
    val jmhForks: Int,
    val jmhWarmups: Int,
    val jmhIterations: Int,
    val jmhSeconds: Int,
) {
    companion object {
        val FULL = Sizes(
            bursts = listOf(0 to 100_000, 1 to 50_000, 2 to 50_000),
            warmupFraction = 0.5,
            repetitions = 3,
            rttQos = listOf(0, 1),
            rttOneAtATime = 2_000,
            rttFixedRate = 5_000,
            rttPerSecond = 2_000,
            memoryWorkers = 10_000,
            memoryRepetitions = 3,
            startupRepetitions = 3,
            routerFilters = 100_000,
            jmhForks = 1,
            jmhWarmups = 3,
            jmhIterations = 5,
            jmhSeconds = 1,
        )

        val SMOKE = Sizes(
            bursts = listOf(0 to 200, 1 to 200, 2 to 200),
            warmupFraction = 0.0,
            repetitions = 1,
            rttQos = listOf(1),
            rttOneAtATime = 20,
            rttFixedRate = 40,
            rttPerSecond = 200,
            memoryWorkers = 20,
            memoryRepetitions = 1,
            startupRepetitions = 1,
            routerFilters = 1_000,
            jmhForks = 0,
            jmhWarmups = 0,
            jmhIterations = 1,
            jmhSeconds = 1,
        )
    }
}
