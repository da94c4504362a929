package dev.mqttflow.bench

/** How much each figure does. [FULL] is what `scripts/bench` runs; [SMOKE] keeps the harness alive in CI. */
data class Sizes(
    /** (QoS, messages) per burst of figure 1. */
    val bursts: List<Pair<Int, Int>>,
    /** The warm-up round's size, as a fraction of the burst. */
    val warmupFraction: Double,
    val repetitions: Int,
    /** Round trip plans; fixed-rate runs cost seconds each, so they run at QoS 1 only. */
    val rtt: List<RttPlan>,
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
            rtt = listOf(RttPlan(0, 1_000, 0, 0), RttPlan(1, 1_000, 4_000, 2_000)),
            memoryWorkers = 10_000,
            memoryRepetitions = 3,
            startupRepetitions = 3,
            routerFilters = 100_000,
            jmhForks = 1,
            jmhWarmups = 3,
            jmhIterations = 8,
            jmhSeconds = 1,
        )

        val SMOKE = Sizes(
            bursts = listOf(0 to 200, 1 to 200, 2 to 200),
            warmupFraction = 0.0,
            repetitions = 1,
            rtt = listOf(RttPlan(0, 20, 0, 0), RttPlan(1, 20, 40, 200)),
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
