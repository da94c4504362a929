package dev.mqttflow.testing.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mqttflow.config.MqttFlowConfig;
import dev.mqttflow.layer.LayerMessage;
import dev.mqttflow.monitoring.FlowMonitor;
import dev.mqttflow.protocol.Publish;
import dev.mqttflow.protocol.Subscribe;
import dev.mqttflow.testing.ConsumerTester;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each feature of the Java face, on Notebook: the same list as KitFeaturesTest, compiled by javac. */
class KitFeaturesJavaTest {

    @TempDir
    Path dir;

    private static String lastText(List<Publish> published) {
        return published.get(published.size() - 1).getText();
    }

    @Test
    void publishInExpectActions() {
        try (ConsumerTester tester = new ConsumerTester(new Notebook())) {
            assertEquals(new Subscribe("notes/+", 1), tester.connect());
            tester.expectPublish("notebook/status", "up at 2025-01-01T00:00:00Z");
            tester.publish("notes/a", "milk", 1);
            tester.expectPublish("notebook/count", "1");
            tester.expectNoAction();
        }
    }

    @Test
    void layerSendsReachTheConsumersChannel() {
        try (ConsumerTester tester = new ConsumerTester(new Notebook())) {
            tester.connect();
            tester.publish("notes/a", "milk", 1);
            tester.send(new LayerMessage("notes.clear"));
            assertEquals("0", lastText(tester.getPublished()));
        }
    }

    @Test
    void theDatabaseFillItBeforeConnectReadWhatTheHandlersStored() {
        String url = "jdbc:sqlite:" + dir.resolve("notes.db");
        try (ConsumerTester tester = ConsumerTester.builder(new Notebook()).databaseUrl(url).build()) {
            tester.jdbc(c -> c.createStatement().executeUpdate("insert into kit_notes(text) values ('from the test')"));
            tester.connect();
            tester.publish("notes/a", "milk", 1);
            assertEquals("2", lastText(tester.getPublished()));
            String texts = tester.jdbc(c -> {
                ResultSet rows = c.createStatement().executeQuery("select group_concat(text, ',') from kit_notes");
                rows.next();
                return rows.getString(1);
            });
            assertEquals("from the test,milk", texts);
        }
    }

    @Test
    void configTheShutdownTimeoutCutsASlowOnDisconnectShort() {
        MqttFlowConfig config = MqttFlowConfig.builder().host("in-memory").shutdownTimeout(Duration.ofSeconds(2)).build();
        try (ConsumerTester tester = ConsumerTester.builder(new Notebook()).config(config).build()) {
            tester.connect();
            tester.disconnect();
            assertEquals(1, tester.getPublished().size()); // "up at ...", no "bye"
        }
    }

    @Test
    void startTimeVirtualTimeAndRestart() {
        Instant start = Instant.parse("2025-06-01T12:00:00Z");
        try (ConsumerTester tester = ConsumerTester.builder(new Notebook()).startTime(start).build()) {
            tester.connect();
            tester.expectPublish("notebook/status", "up at 2025-06-01T12:00:00Z");
            tester.advanceTimeBy(Duration.ofHours(1));
            assertEquals(start.plus(Duration.ofHours(1)), tester.now());
            tester.restart(Duration.ofHours(2)); // onDisconnect says bye five seconds in, then three hours have passed
            tester.expectPublish("notebook/status", "bye");
            assertEquals(new Subscribe("notes/+", 1), tester.nextAction()); // the new run's onConnect
            tester.expectPublish("notebook/status", "up at 2025-06-01T15:00:05Z");
            assertEquals("up at 2025-06-01T15:00:05Z", tester.retained("notebook/status").getText());
        }
    }

    @Test
    void monitorTheRuntimesEvents() {
        AtomicInteger received = new AtomicInteger();
        FlowMonitor monitor = new FlowMonitor() {
            @Override
            public void messageReceived(String consumer, int qos) {
                received.incrementAndGet();
            }
        };
        try (ConsumerTester tester = ConsumerTester.builder(new Notebook()).monitor(monitor).build()) {
            tester.connect();
            tester.publish("notes/a", "milk", 1);
            tester.publish("elsewhere", "not subscribed");
            assertEquals(1, received.get());
        }
    }

    @Test
    void closeFailsOnUnacknowledgedMessagesUnlessAllowed() {
        ConsumerTester stuck = new ConsumerTester(new Notebook());
        stuck.connect();
        stuck.publish("notes/a", "slow", 1); // its handler waits a minute that never passes
        AssertionError error = assertThrows(AssertionError.class, stuck::close);
        assertTrue(error.getMessage().contains("has not acknowledged"), error.getMessage());

        try (ConsumerTester allowed = ConsumerTester.builder(new Notebook()).allowUnacknowledged(true).build()) {
            allowed.connect();
            allowed.publish("notes/a", "slow", 1);
        }
    }
}
