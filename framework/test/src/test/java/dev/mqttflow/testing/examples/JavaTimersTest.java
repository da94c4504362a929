package dev.mqttflow.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mqttflow.automation.BlockingTimer;
import dev.mqttflow.automation.MisfirePolicy;
import dev.mqttflow.consumer.BlockingConsumer;
import dev.mqttflow.consumer.BlockingContext;
import dev.mqttflow.protocol.Message;
import dev.mqttflow.protocol.Publish;
import dev.mqttflow.testing.ConsumerTester;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Durable timers from Java, compiled by javac: no Kotlin Duration, no serializer, a lambda body. */
class JavaTimersTest {

    /**
     * Motion lights: "1" turns the room on and (re)arms "off" for 5 minutes; "keep" arms it only if not
     * pending; "cancel" disarms it; "at:<instant>" arms it for an instant. "alarm" arms a second timer
     * with a JSON argument. Every message ends with pending/{room} = the deadline read before its actions.
     */
    static final class HallLight extends BlockingConsumer {
        private final BlockingTimer off = timer("off", (context, room) ->
            context.publish("home/lights/" + room + "/set", "off", 1));
        private final BlockingTimer alarm = timer("alarm", MisfirePolicy.skip(), (context, json) ->
            context.publish("alarm/fired", json, 1));

        HallLight() {
            super("hall-light");
        }

        @Override
        public void onConnect(BlockingContext context) {
            context.subscribe("home/+/motion", 1);
        }

        @Override
        public void onMessage(BlockingContext context, Message message) {
            String room = message.getTopic().split("/")[1];
            String text = message.getText();
            if (text.equals("1")) {
                context.publish("home/lights/" + room + "/set", "on", 1);
                off.restart(context, room, Duration.ofMinutes(5));
            } else if (text.equals("keep")) {
                off.startOrKeep(context, room, Duration.ofMinutes(5));
            } else if (text.equals("cancel")) {
                off.cancel(context, room);
            } else if (text.startsWith("at:")) {
                off.at(context, room, Instant.parse(text.substring(3)));
            } else if (text.equals("alarm")) {
                alarm.restart(context, room, Duration.ofSeconds(30), "{\"room\":\"" + room + "\",\"level\":2}");
            }
            context.publish("pending/" + room, String.valueOf(off.pending(context, room)), 0);
        }
    }

    private static List<String> offs(ConsumerTester tester) {
        return tester.getPublished().stream()
            .filter(p -> p.getText().equals("off"))
            .map(Publish::getTopic)
            .collect(Collectors.toList());
    }

    @Test
    void aJavaTimerFiresAtItsDeadlineAndIsRearmedByEachMotion() {
        HallLight lights = new HallLight();
        assertEquals(List.of("off", "alarm"), lights.getTimers().stream().map(t -> t.getName()).collect(Collectors.toList()));
        try (ConsumerTester tester = new ConsumerTester(lights)) {
            tester.connect();
            Instant start = tester.now();
            tester.publish("home/hall/motion", "1", 1);
            tester.expectPublish("home/lights/hall/set", "on");
            tester.expectPublish("pending/hall", "null"); // read before the queued restart was performed
            tester.advanceTimeBy(Duration.ofMinutes(3));
            tester.publish("home/hall/motion", "keep", 1);
            tester.expectPublish("pending/hall", start.plus(Duration.ofMinutes(5)).toString());
            tester.publish("home/hall/motion", "1", 1); // restart: now + 5 min = start + 8 min
            tester.advanceTimeBy(Duration.ofMinutes(3));
            assertEquals(List.of(), offs(tester));
            tester.advanceTimeBy(Duration.ofMinutes(2));
            assertEquals(List.of("home/lights/hall/set"), offs(tester));
            assertEquals(start.plus(Duration.ofMinutes(8)), tester.now());
            tester.checkAllAcknowledged();
        }
    }

    @Test
    void cancelAtAndAJsonArgumentWork() {
        try (ConsumerTester tester = new ConsumerTester(new HallLight())) {
            tester.connect();
            Instant start = tester.now();
            tester.publish("home/porch/motion", "1", 1);
            tester.publish("home/porch/motion", "cancel", 1);
            tester.advanceTimeBy(Duration.ofMinutes(10));
            assertEquals(List.of(), offs(tester));

            tester.publish("home/attic/motion", "at:" + start.plus(Duration.ofMinutes(12)), 1);
            tester.publish("home/attic/motion", "alarm", 1);
            tester.advanceTimeBy(Duration.ofSeconds(30));
            assertEquals(
                List.of("{\"room\":\"attic\",\"level\":2}"),
                tester.getPublished().stream()
                    .filter(p -> p.getTopic().equals("alarm/fired"))
                    .map(Publish::getText)
                    .collect(Collectors.toList()));
            tester.advanceTimeBy(Duration.ofMinutes(2));
            assertEquals(List.of("home/lights/attic/set"), offs(tester));
            assertTrue(tester.getFailures().isEmpty());
        }
    }

    @Test
    void misfirePoliciesAreBuiltWithJavaDurations() {
        assertEquals(MisfirePolicy.FireAtOnce.INSTANCE, MisfirePolicy.fireAtOnce());
        assertTrue(MisfirePolicy.fireIfLateBy(Duration.ofMinutes(10)) instanceof MisfirePolicy.FireIfLateBy);
        assertThrows(IllegalArgumentException.class, () -> MisfirePolicy.fireIfLateBy(Duration.ZERO));
    }

    static final class Twice extends BlockingConsumer {
        Twice() {
            super("twice");
            timer("off", (context, key) -> { });
            timer("off", (context, key) -> { });
        }
    }

    @Test
    void aTimerDeclaredTwiceFailsNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, Twice::new);
        assertEquals("consumer 'twice' declares timer 'off' twice", e.getMessage());
    }
}
