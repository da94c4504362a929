package dev.mqttflow.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mqttflow.consumer.BlockingConsumer;
import dev.mqttflow.consumer.BlockingContext;
import dev.mqttflow.protocol.Message;
import dev.mqttflow.protocol.Subscribe;
import dev.mqttflow.testing.ConsumerTester;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JavaExampleTest {

    /** Echoes echo/in to echo/out, and asks "still there?" after ten quiet minutes. */
    static final class Echo extends BlockingConsumer {
        private BlockingContext.Scheduled idle; // one Echo instance per worker here

        Echo() {
            super("echo");
        }

        @Override
        public void onConnect(BlockingContext context) {
            context.subscribe("echo/in", 1);
        }

        @Override
        public void onMessage(BlockingContext context, Message message) {
            if (message.getText().isEmpty()) {
                throw new IllegalArgumentException("empty message on " + message.getTopic());
            }
            context.publish("echo/out", message.getText(), 1);
            if (idle != null) {
                idle.cancel();
            }
            idle = context.schedule(Duration.ofMinutes(10), later -> later.publish("echo/out", "still there?"));
        }
    }

    @Test
    void echoesAndAsksAfterTenQuietMinutes() {
        try (ConsumerTester tester = new ConsumerTester(new Echo())) {
            assertEquals(new Subscribe("echo/in", 1), tester.connect());

            tester.publish("echo/in", "hello", 1);
            assertEquals("hello", tester.expectPublish("echo/out").getText());

            tester.advanceTimeBy(Duration.ofMinutes(9));
            tester.expectNoAction();
            tester.advanceTimeBy(Duration.ofMinutes(1));
            tester.expectPublish("echo/out", "still there?");
            assertEquals(Duration.ofMinutes(10).toMillis(), tester.getCurrentTimeMillis());
        }
    }

    @Test
    void aFailingHandlerShowsUpInTheFailureMessage() {
        try (ConsumerTester tester = new ConsumerTester(new Echo(), Map.of())) {
            tester.connect();
            tester.publish("echo/in", "");
            AssertionError error = assertThrows(AssertionError.class, tester::nextAction);
            assertTrue(error.getMessage().contains("IllegalArgumentException: empty message on echo/in"));
            assertEquals(1, tester.getFailures().size());
        }
    }
}
