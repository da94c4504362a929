package dev.mqttflow.bench

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
fun median(values: List<Double>): Double {
    if (values.isEmpty()) return Double.NaN
    val s = values.sorted()
    val mid = s.size / 2
    return if (s.size % 2 == 1) s[mid] else (s[mid - 1] + s[mid]) / 2
}

/** The [p]-th percentile (0..100) of [sorted] by the nearest-rank method; NaN for none. */
fun percentile(sorted: LongArray, p: Double): Double {
    if (sorted.isEmpty()) return Double.NaN
    // The epsilon keeps 99.9 % of 1000 at rank 999: in binary 99.9 / 100 * 1000 is a hair above 999.
    val rank = kotlin.math.ceil(p / 100.0 * sorted.size - 1e-9).toInt().coerceIn(1, sorted.size)
    return sorted[rank - 1].toDouble()
}

/** Ratio [a] / [b], NaN when either is missing. */
fun ratio(a: Double, b: Double): Double = if (a.isNaN() || b.isNaN() || b == 0.0) Double.NaN else a / b
