package dev.mqttflow.testing.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mqttflow.automation.schedule.Location;
import dev.mqttflow.config.MqttFlowConfig;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Java sets the zone and location of time triggers through the builder; bad values name themselves. */
class ScheduleConfigJavaTest {
    @Test
    void setsZoneAndLocation() {
        MqttFlowConfig config = MqttFlowConfig.builder().zone("Europe/Berlin").location(52.52, 13.405).build();
        assertEquals(ZoneId.of("Europe/Berlin"), config.getZone());
        assertEquals(new Location(52.52, 13.405), config.getLocation());
        assertEquals(ZoneId.systemDefault(), MqttFlowConfig.builder().build().getZone());
        assertEquals(null, MqttFlowConfig.builder().build().getLocation());
    }

    @Test
    void refusesABadZoneOrLatitude() {
        DateTimeException zone = assertThrows(DateTimeException.class,
            () -> MqttFlowConfig.builder().zone("Mars/Olympus_Mons"));
        assertEquals(true, zone.getMessage().contains("Mars/Olympus_Mons"), zone.getMessage());
        IllegalArgumentException latitude = assertThrows(IllegalArgumentException.class,
            () -> MqttFlowConfig.builder().location(95.0, 10.0));
        assertEquals("latitude 95.0 is outside -90..90 degrees", latitude.getMessage());
    }
}
