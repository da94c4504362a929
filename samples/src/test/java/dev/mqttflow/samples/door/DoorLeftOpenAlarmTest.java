package dev.mqttflow.samples.door;

import static dev.mqttflow.samples.door.DoorLeftOpenAlarm.ALERT_TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mqttflow.protocol.Subscribe;
import dev.mqttflow.testing.ConsumerTester;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DoorLeftOpenAlarmTest {

    private static ConsumerTester connected(Duration alertAfter) {
        ConsumerTester tester = new ConsumerTester(new DoorLeftOpenAlarm(alertAfter));
        assertEquals(new Subscribe("home/+/contact", 1), tester.connect());
        return tester;
    }

    @Test
    void alertsWhenADoorStaysOpenPastTheDelayAndSaysWhenItIsClosed() {
        try (ConsumerTester tester = connected(Duration.ofMinutes(10))) {
            tester.publish("home/front/contact", "open", 1);
            tester.expectNoAction();
            tester.advanceTimeBy(Duration.ofMinutes(9));
            tester.publish("home/front/contact", "open", 1); // still open: the ten minutes do not start over
            tester.advanceTimeBy(Duration.ofMinutes(1));
            assertEquals(1, tester.expectPublish(ALERT_TOPIC, "the front door has been open for 10 minutes").getQos());
            assertEquals(Duration.ofMinutes(10).toMillis(), tester.getCurrentTimeMillis());

            tester.advanceTimeBy(Duration.ofHours(1));
            tester.expectNoAction(); // one alert, not one a minute
            tester.publish("home/front/contact", "closed", 1);
            tester.expectPublish(ALERT_TOPIC, "the front door is closed again");
        }
    }

    @Test
    void closingInTimeCancelsTheAlert() {
        try (ConsumerTester tester = connected(Duration.ofMinutes(10))) {
            tester.publish("home/back/contact", "1");
            tester.advanceTimeBy(Duration.ofMinutes(5));
            tester.publish("home/back/contact", "0");
            tester.advanceTimeBy(Duration.ofHours(2));
            tester.expectNoAction();
        }
    }

    @Test
    void eachDoorHasATimerOfItsOwn() {
        try (ConsumerTester tester = connected(Duration.ofSeconds(90))) {
            tester.publish("home/front/contact", "open");
            tester.advanceTimeBy(Duration.ofSeconds(30));
            tester.publish("home/garage/contact", "open");
            tester.advanceTimeBy(Duration.ofSeconds(60));
            tester.expectPublish(ALERT_TOPIC, "the front door has been open for 90 seconds");
            tester.expectNoAction();
            tester.advanceTimeBy(Duration.ofSeconds(30));
            tester.expectPublish(ALERT_TOPIC, "the garage door has been open for 90 seconds");
        }
    }

    @Test
    void unreadablePayloadsAreSkippedWithoutFailingTheConsumer() {
        try (ConsumerTester tester = connected(Duration.ofMinutes(1))) {
            tester.publish("home/front/contact", "ajar");
            tester.advanceTimeBy(Duration.ofMinutes(5));
            tester.expectNoAction();
            assertTrue(tester.getFailures().isEmpty());
        }
    }

    @Test
    void theDelayComesFromDoorAlertSeconds() {
        assertEquals(Duration.ofMinutes(10), DoorLeftOpenAlarm.delayFromEnvironment(Map.of()));
        assertEquals(Duration.ofSeconds(45), DoorLeftOpenAlarm.delayFromEnvironment(Map.of("DOOR_ALERT_SECONDS", "45")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> DoorLeftOpenAlarm.delayFromEnvironment(Map.of("DOOR_ALERT_SECONDS", "soon")));
        assertEquals("DOOR_ALERT_SECONDS must be a number of seconds, not 'soon'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DoorLeftOpenAlarm(Duration.ZERO));
    }

    @Test
    void contactPayloadsAndDurationsReadAsPeopleWriteThem() {
        assertEquals(Boolean.TRUE, DoorLeftOpenAlarm.parseContact(" OPEN "));
        assertEquals(Boolean.FALSE, DoorLeftOpenAlarm.parseContact("closed"));
        assertNull(DoorLeftOpenAlarm.parseContact("ajar"));
        assertEquals("1 minute", DoorLeftOpenAlarm.describe(Duration.ofMinutes(1)));
        assertEquals("1 second", DoorLeftOpenAlarm.describe(Duration.ofSeconds(1)));
    }
}
