package dev.mqttflow.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mqttflow.config.MqttFlowConfig;
import dev.mqttflow.config.TlsConfig;
import dev.mqttflow.config.WillConfig;
import dev.mqttflow.consumer.BlockingConsumer;
import dev.mqttflow.consumer.BlockingContext;
import dev.mqttflow.errors.InvalidLayerMessageException;
import dev.mqttflow.layer.LayerMessage;
import dev.mqttflow.protocol.Message;
import dev.mqttflow.protocol.Subscribe;
import dev.mqttflow.testing.ConsumerTester;
import dev.mqttflow.worker.FailurePolicy;
import dev.mqttflow.worker.RetryPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a Java user writes, compiled by javac: no Companion, no mangled getter, no ...Kt class. */
class JavaInteropTest {

    @Test
    void failurePoliciesAreBuiltWithJavaDurationsAndReadBack() {
        FailurePolicy.Restart restart = new FailurePolicy.Restart(5, Duration.ofSeconds(2));
        assertEquals(5, restart.getMaxRestarts());
        assertEquals(Duration.ofSeconds(2), restart.getBackoff());
        assertThrows(IllegalArgumentException.class, () -> new FailurePolicy.Restart(-1, Duration.ZERO));

        RetryPolicy retry = new RetryPolicy(3, Duration.ofMillis(500), RetryPolicy.DEFAULT_DEAD_LETTER);
        assertEquals(Duration.ofMillis(500), retry.getBackoff());
        assertEquals("mqttflow/dead/door", retry.deadLetterTopic("door"));
        assertNull(new RetryPolicy(1, Duration.ofSeconds(1)).getDeadLetter());
    }

    @Test
    void configDurationsReadBackAsJavaDurations() {
        MqttFlowConfig config = MqttFlowConfig.builder()
            .keepAlive(Duration.ofSeconds(30))
            .sessionExpiry(Duration.ofHours(1))
            .connectTimeout(Duration.ofSeconds(4))
            .shutdownTimeout(Duration.ofSeconds(3))
            .onFailure(new RetryPolicy(2, Duration.ofSeconds(1)))
            .build();
        assertEquals(Duration.ofSeconds(30), config.getKeepAlive());
        assertEquals(Duration.ofHours(1), config.getSessionExpiry());
        assertEquals(Duration.ofSeconds(4), config.getConnectTimeout());
        assertEquals(Duration.ofSeconds(3), config.getShutdownTimeout());
        assertEquals(2, config.getOnFailure().getRetries());

        MqttFlowConfig changed = config.toBuilder().host("broker.local").build();
        assertEquals("broker.local", changed.getHost());
        assertEquals(Duration.ofSeconds(30), changed.getKeepAlive());

        assertEquals(new TlsConfig(Path.of("ca.pem")), new TlsConfig(Path.of("ca.pem"), null, null));
        assertEquals(0, new WillConfig("home/dead").getQos());
    }

    @Test
    void layerMessagesAreBuiltAndReadWithoutTheCompanion() {
        LayerMessage reset = new LayerMessage("lights.reset");
        assertEquals("{\"type\":\"lights.reset\"}", reset.toJson());
        LayerMessage override = LayerMessage.fromJson("{\"type\": \"lights.override\", \"room\": \"hall\", \"minutes\": 20}");
        assertEquals("lights.override", override.getType());
        assertEquals("hall", override.string("room"));
        assertEquals("20", override.string("minutes"));
        assertNull(override.string("colour"));
        assertThrows(InvalidLayerMessageException.class, () -> LayerMessage.fromJson("{\"room\": \"hall\"}"));
    }

    /** Turns a room's light on for a layer message; learns nothing from MQTT. */
    static final class Overrides extends BlockingConsumer {
        Overrides() {
            super("overrides");
        }

        @Override
        public void onConnect(BlockingContext context) {
            context.subscribe("home/+/motion", 1);
        }

        @Override
        public boolean onLayerMessage(BlockingContext context, LayerMessage message) {
            if (!message.getType().equals("lights.override")) {
                return false;
            }
            context.publish("home/lights/" + message.string("room") + "/set", "on", 1);
            return true;
        }
    }

    @Test
    void aLayerMessageReachesABlockingConsumer() {
        try (ConsumerTester tester = new ConsumerTester(new Overrides())) {
            assertEquals(new Subscribe("home/+/motion", 1), tester.connect());
            tester.send(LayerMessage.fromJson("{\"type\": \"lights.override\", \"room\": \"hall\"}"));
            tester.expectPublish("home/lights/hall/set", "on");
            tester.send(new LayerMessage("lights.unknown"));
            tester.expectNoAction();
            assertTrue(tester.getChannelName().length() > 0);
        }
    }

    /** A worker that fails on "boom"; its master spawns it with a restart policy. */
    static final class Fragile extends BlockingConsumer {
        Fragile() {
            super("fragile");
        }

        @Override
        public void onConnect(BlockingContext context) {
            context.subscribe("fragile/in", 1);
        }

        @Override
        public void onMessage(BlockingContext context, Message message) {
            throw new IllegalStateException("boom on " + message.getTopic());
        }
    }

    static final class Master extends BlockingConsumer {
        Master() {
            super("master");
        }

        @Override
        public void onConnect(BlockingContext context) {
            context.spawnWorker(1, new Fragile(), Map.of(), new FailurePolicy.Restart(2, Duration.ofSeconds(5)));
        }
    }

    @Test
    void aJavaMasterRestartsItsWorkerAfterTheBackoff() {
        try (ConsumerTester tester = new ConsumerTester(new Master())) {
            tester.connect();
            assertEquals(Map.of("fragile/in", 1), tester.getSubscriptions());
            tester.publish("fragile/in", "x", 1);
            assertEquals(1, tester.getFailures().size());
            tester.advanceTimeBy(Duration.ofSeconds(4));
            assertEquals(Map.of(), tester.getSubscriptions()); // stopped, not back yet
            tester.advanceTimeBy(Duration.ofSeconds(1));
            assertEquals(Map.of("fragile/in", 1), tester.getSubscriptions()); // restarted after 5 s
            tester.checkAllAcknowledged();
        }
    }
}
