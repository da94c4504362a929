package com.example.home;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mqttflow.protocol.Subscribe;
import dev.mqttflow.testing.ConsumerTester;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DoorAlarmTest {
    @Test
    void alertsWhenTheDoorStaysOpen() {
        try (ConsumerTester tester = new ConsumerTester(new DoorAlarm(Duration.ofMinutes(10)))) {
            assertEquals(new Subscribe("home/+/contact", 1), tester.connect());
            tester.publish("home/front/contact", "open", 1);
            tester.advanceTimeBy(Duration.ofMinutes(9));
            tester.expectNoAction();
            tester.advanceTimeBy(Duration.ofMinutes(1));
            assertEquals("front is open", tester.expectPublish("home/alerts/door").getText());
            tester.checkAllAcknowledged();
        }
    }

    @Test
    void closingInTimeCancelsTheAlert() {
        try (ConsumerTester tester = new ConsumerTester(new DoorAlarm(Duration.ofMinutes(10)))) {
            tester.connect();
            tester.publish("home/back/contact", "open", 1);
            tester.advanceTimeBy(Duration.ofMinutes(5));
            tester.publish("home/back/contact", "closed", 1);
            tester.advanceTimeBy(Duration.ofHours(1));
            tester.expectNoAction();
        }
    }

    @Test
    void aKotlinConsumerRunsFromJavaToo() {
        try (ConsumerTester tester = new ConsumerTester(HomeConsumers.roomStats())) {
            tester.connect();
            tester.publish("home/hall/motion", "1", 1);
            tester.expectPublish("home/stats/count", "1 after home/hall/motion");
        }
    }
}
