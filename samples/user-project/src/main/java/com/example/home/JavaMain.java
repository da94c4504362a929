package com.example.home;

import dev.mqttflow.MqttFlow;
import dev.mqttflow.RunningFlow;
import dev.mqttflow.config.MqttFlowConfig;
import dev.mqttflow.consumer.Consumer;
import java.time.Duration;
import java.util.List;

/** Runs the door alarm and the room statistics from Java until Ctrl-C. */
public final class JavaMain {
    private JavaMain() {}

    public static void main(String[] args) throws Exception {
        MqttFlowConfig config = MqttFlowConfig.builder()
            .host(System.getenv().getOrDefault("MQTT_HOST", "localhost"))
            .port(1883)
            .build();
        MqttFlow flow = MqttFlow.builder().config(config).build();
        List<Consumer> consumers = List.of(new DoorAlarm(Duration.ofMinutes(10)), HomeConsumers.roomStats());
        try (RunningFlow running = flow.start(consumers)) {
            Runtime.getRuntime().addShutdownHook(new Thread(running::close));
            running.join();
        }
    }
}
