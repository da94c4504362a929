package dev.mqttflow.samples.door;

import dev.mqttflow.MqttFlow;
import dev.mqttflow.RunningFlow;
import dev.mqttflow.broker.EmbeddedBroker;
import dev.mqttflow.config.MqttFlowConfig;
import dev.mqttflow.config.MqttFlowConfigBuilder;
import dev.mqttflow.consumer.BlockingConsumer;
import dev.mqttflow.consumer.BlockingContext;
import dev.mqttflow.errors.MqttFlowException;
import dev.mqttflow.protocol.Message;
import dev.mqttflow.worker.FailurePolicy;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sample 6, a consumer written in Java.
 *
 * <p>Contact sensors publish {@code open} or {@code closed} (also {@code 1}/{@code 0}) to
 * {@code home/{door}/contact}. A door that stays open longer than the alert delay (ten minutes, or
 * {@code DOOR_ALERT_SECONDS}) raises an alert on {@code home/alerts/door}: "the front door has been
 * open for 10 minutes"; closing it afterwards publishes "the front door is closed again". Closing it
 * in time cancels the alert. Payloads it cannot read are logged and skipped.
 *
 * <p>It extends {@link BlockingConsumer}: plain methods, a {@link BlockingContext} that queues
 * actions, and a timer per door through {@link BlockingContext#schedule}, which follows virtual time
 * in tests ({@code ConsumerTester}). Timers and handlers of one worker run one at a time (never at
 * the same instant), so the door state needs no lock.
 */
public final class DoorLeftOpenAlarm extends BlockingConsumer {
    /** Where the alerts go. */
    public static final String ALERT_TOPIC = "home/alerts/door";

    /** The environment variable with the alert delay in seconds. */
    public static final String DELAY_ENV = "DOOR_ALERT_SECONDS";

    private static final Duration DEFAULT_DELAY = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger("mqttflow.samples.door");

    private final Duration alertAfter;
    private final Map<String, BlockingContext.Scheduled> timers = new HashMap<>();
    private final Set<String> alerted = new HashSet<>();

    /** The sample with its delay from {@code DOOR_ALERT_SECONDS}, else ten minutes (what {@code mqttflow run} uses). */
    public DoorLeftOpenAlarm() {
        this(delayFromEnvironment(System.getenv()));
    }

    /** Alerts when a door stays open longer than {@code alertAfter}. */
    public DoorLeftOpenAlarm(Duration alertAfter) {
        super("door-left-open");
        if (alertAfter.isNegative() || alertAfter.isZero()) {
            throw new IllegalArgumentException("the alert delay must be positive, not " + alertAfter);
        }
        this.alertAfter = alertAfter;
    }

    @Override
    public void onConnect(BlockingContext context) {
        timers.clear();
        alerted.clear();
        context.subscribe("home/+/contact", 1);
    }

    @Override
    public void onMessage(BlockingContext context, Message message) {
        String door = message.getTopic().split("/")[1];
        Boolean open = parseContact(message.getText());
        if (open == null) {
            LOG.warn("{}: '{}' is neither open nor closed; skipped", message.getTopic(), message.getText());
            return;
        }
        if (open) {
            timers.computeIfAbsent(door, d -> context.schedule(alertAfter, later -> alert(later, d)));
        } else {
            BlockingContext.Scheduled timer = timers.remove(door);
            if (timer != null) {
                timer.cancel();
            }
            if (alerted.remove(door)) {
                context.publish(ALERT_TOPIC, "the " + door + " door is closed again", 1);
            }
        }
    }

    private void alert(BlockingContext context, String door) {
        if (timers.remove(door) == null) {
            return; // closed in the meantime
        }
        alerted.add(door);
        context.publish(ALERT_TOPIC, "the " + door + " door has been open for " + describe(alertAfter), 1);
    }

    /** {@code open}/{@code 1}/{@code true} is open, {@code closed}/{@code 0}/{@code false} closed, else null. */
    static Boolean parseContact(String payload) {
        switch (payload.trim().toLowerCase(Locale.ROOT)) {
            case "open":
            case "1":
            case "true":
                return Boolean.TRUE;
            case "closed":
            case "0":
            case "false":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    /** "10 minutes", "1 minute", "90 seconds". */
    static String describe(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds % 60 == 0) {
            long minutes = seconds / 60;
            return minutes + (minutes == 1 ? " minute" : " minutes");
        }
        return seconds + (seconds == 1 ? " second" : " seconds");
    }

    /** The delay {@code DOOR_ALERT_SECONDS} names in {@code env}, else ten minutes. */
    static Duration delayFromEnvironment(Map<String, String> env) {
        String raw = env.get(DELAY_ENV);
        if (raw == null || raw.isBlank()) {
            return DEFAULT_DELAY;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(DELAY_ENV + " must be a number of seconds, not '" + raw + "'", e);
        }
    }

    /**
     * Runs the sample (see docs/samples.md) the way an application would: the broker from
     * {@code MQTT_HOSTNAME}/{@code MQTT_PORT}/{@code MQTT_USERNAME}/{@code MQTT_PASSWORD}, or an
     * embedded one on 127.0.0.1 without {@code MQTT_HOSTNAME}; Ctrl-C stops it cleanly.
     */
    public static void main(String[] args) {
        Map<String, String> env = System.getenv();
        String host = env.get("MQTT_HOSTNAME");
        int port = env.containsKey("MQTT_PORT") ? Integer.parseInt(env.get("MQTT_PORT")) : MqttFlowConfig.DEFAULT_PORT;
        boolean embedded = host == null || host.isBlank();
        try (EmbeddedBroker broker = embedded ? EmbeddedBroker.start(isFree(port) ? port : 0) : null) {
            MqttFlowConfigBuilder config = MqttFlowConfig.builder()
                .host(embedded ? "127.0.0.1" : host)
                .port(embedded ? broker.getPort() : port);
            if (env.get("MQTT_USERNAME") != null) {
                config.credentials(env.get("MQTT_USERNAME"), env.get("MQTT_PASSWORD"));
            }
            MqttFlow flow = MqttFlow.builder()
                .config(config.build())
                .failurePolicy(new FailurePolicy.Restart(3, Duration.ofSeconds(1)))
                .build();
            try (RunningFlow running = flow.start(List.of(new DoorLeftOpenAlarm()))) {
                LOG.info("door alarm running on {}:{} (Ctrl-C stops)", embedded ? "127.0.0.1" : host,
                    embedded ? broker.getPort() : port);
                Runtime.getRuntime().addShutdownHook(new Thread(running::close));
                running.join();
            }
        } catch (MqttFlowException | IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
