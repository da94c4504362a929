package dev.mqttflow.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mqttflow.config.MqttFlowConfig;
import dev.mqttflow.config.MqttVersion;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Java builds a configuration through the builder; bad values fail as the constructor's do. */
class ConfigBuilderJavaTest {
    @Test
    void buildsAConfigurationFromJava() {
        MqttFlowConfig config = MqttFlowConfig.builder()
            .host("broker.local")
            .port(8883)
            .credentials("alice", "secret")
            .version(MqttVersion.MQTT_3_1_1)
            .shutdownTimeout(Duration.ofSeconds(3))
            .useTls()
            .build();
        assertEquals("broker.local", config.getHost());
        assertEquals(8883, config.getEffectivePort());
        assertEquals(MqttVersion.MQTT_3_1_1, config.getVersion());
        assertEquals(true, config.toString().contains("shutdownTimeout=3s"), config.toString());
        assertEquals(false, config.toString().contains("secret"), config.toString());
    }

    @Test
    void refusesABadPortNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> MqttFlowConfig.builder().port(70000).build());
        assertEquals("port must be 1..65535, not 70000", e.getMessage());
    }
}
