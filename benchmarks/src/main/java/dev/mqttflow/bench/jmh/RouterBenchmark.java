package dev.mqttflow.bench.jmh;

import dev.mqttflow.bench.RouterWorkload;
import dev.mqttflow.routing.MatchSet;
import dev.mqttflow.routing.TopicIndex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Figure 5: how many topics per second the router (TopicIndex, the runtime's trie) matches against
 * 100k filters, on one thread, the way the runtime does it: one reused result set per call.
 *
 * Written in Java so that JMH's annotation processor runs under plain javac (no kapt); it calls the
 * Kotlin classes compiled just before it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RouterBenchmark {
    @Param({"100000"})
    public int filters;

    private TopicIndex<Integer> trie;
    private String[] topics;
    private final MatchSet<Integer> matched = new MatchSet<>();
    private int next;

    @Setup
    public void setUp() {
        RouterWorkload workload = new RouterWorkload(filters, 1 << 16, 42L, 10_000);
        trie = workload.getTrie();
        topics = workload.getTopics();
    }

    /** One topic matched; the result is returned so that JMH keeps the work. */
    @Benchmark
    public int match() {
        String topic = topics[next];
        next = (next + 1) & (topics.length - 1);
        matched.clear();
        trie.match(topic, matched);
        return matched.getSize();
    }
}
