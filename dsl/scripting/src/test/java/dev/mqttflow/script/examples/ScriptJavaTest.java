package dev.mqttflow.script.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mqttflow.consumer.Consumer;
import dev.mqttflow.protocol.Subscribe;
import dev.mqttflow.script.ScriptCache;
import dev.mqttflow.script.ScriptTesting;
import dev.mqttflow.testing.ConsumerTester;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A script's consumer under the Java face of the test kit, compiled by javac. */
class ScriptJavaTest {

    @TempDir
    Path dir;

    @Test
    void aScriptsConsumerRunsInVirtualTimeFromJava() throws IOException {
        Path script = Files.writeString(dir.resolve("hall-light.mqtt.kts"), String.join("\n",
            "val quiet = env(\"QUIET\")?.let { Duration.parse(it) } ?: 5.minutes",
            "mqttConsumer(\"lights\") {",
            "    onConnect { subscribe(\"home/hall/motion\", qos = 1) }",
            "    onMessage {",
            "        publish(\"home/lights/hall/set\", \"on\", qos = 1)",
            "        launch { delay(quiet); publish(\"home/lights/hall/set\", \"off\", qos = 1) }",
            "    }",
            "}",
            ""));
        // loadTestScript compiles in real time: outside the tester, as in Kotlin
        Consumer lights = ScriptTesting.loadTestScript(script.toString(), Map.of("QUIET", "PT30S"),
            new ScriptCache(dir.resolve("cache"))).consumer("lights");
        try (ConsumerTester tester = new ConsumerTester(lights)) {
            assertEquals(new Subscribe("home/hall/motion", 1), tester.connect());
            tester.publish("home/hall/motion", "1", 1);
            tester.expectPublish("home/lights/hall/set", "on");
            tester.advanceTimeBy(Duration.ofSeconds(29));
            tester.expectNoAction();
            tester.advanceTimeBy(Duration.ofSeconds(1));
            tester.expectPublish("home/lights/hall/set", "off");
        }
    }
}
