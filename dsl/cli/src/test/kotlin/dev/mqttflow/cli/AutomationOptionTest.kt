package dev.mqttflow.cli

import dev.mqttflow.consumer.Consumer
import dev.mqttflow.consumer.publish
import dev.mqttflow.dsl.atSunset
import dev.mqttflow.dsl.mqttConsumer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration.Companion.minutes

/** A TARGET with a sun trigger: `dev.mqttflow.cli.AutomationOptionTestKt#porch`. */
val porch: Consumer = mqttConsumer("porch") {
    atSunset(offset = (-15).minutes) { publish("porch/light", "on", qos = 1) }
}

private const val PORCH = "dev.mqttflow.cli.AutomationOptionTestKt#porch"

/** `--zone`, `--latitude`, `--longitude` and their variables: shown, checked, and a missing location named. */
class AutomationOptionTest :
    FunSpec({
        fun row(key: String, vararg args: String, env: Map<String, String> = emptyMap()): String {
            val result = cli("run", "--print-config", *args, env = env)
            result.code shouldBe 0
            return result.out.lines().single { it.startsWith("$key ") }
        }

        test("--print-config shows the zone and the location and where they came from") {
            row("zone") shouldContain "(the system's: "
            row("zone", "--zone", "Europe/Berlin") shouldContain "Europe/Berlin"
            row("zone", "--zone", "Europe/Berlin") shouldContain "command line (--zone)"
            row("zone", env = mapOf("MQTTFLOW_ZONE" to "UTC")) shouldContain "environment (MQTTFLOW_ZONE)"
            row("latitude", "--latitude", "52.52", "--longitude", "13.405") shouldContain "52.52"
            row("longitude", env = mapOf("MQTTFLOW_LATITUDE" to "1", "MQTTFLOW_LONGITUDE" to "-2.5")) shouldContain
                "-2.5"
        }

        test("a bad zone or an out-of-range latitude exits with 2 and one error line naming the option") {
            val zone = cli("run", "--zone", "Mars/Olympus_Mons", PORCH)
            zone.code shouldBe 2
            zone.errorLines shouldHaveSize 1
            zone.errorLines.single() shouldContain "--zone"
            zone.errorLines.single() shouldContain "Mars/Olympus_Mons"
            val latitude = cli("run", "--latitude", "95", "--longitude", "10", PORCH)
            latitude.code shouldBe 2
            latitude.errorLines.single() shouldContain "--latitude"
            latitude.errorLines.single() shouldContain "from -90 to 90"
            val env = cli("run", PORCH, env = mapOf("MQTTFLOW_LONGITUDE" to "east", "MQTTFLOW_LATITUDE" to "1"))
            env.code shouldBe 2
            env.errorLines.single() shouldContain "MQTTFLOW_LONGITUDE"
        }

        test("a latitude without a longitude is a usage error naming the one given") {
            val alone = cli("run", "--latitude", "52.5", PORCH)
            alone.code shouldBe 2
            alone.errorLines.single() shouldContain "--latitude was given alone"
        }

        test("a sun trigger without a location exits with 2 before connecting, naming consumer, trigger and options") {
            val result = cli("run", PORCH)
            result.code shouldBe 2
            result.errorLines shouldHaveSize 1
            val line = result.errorLines.single()
            line shouldContain "--latitude/--longitude"
            line shouldContain "consumer 'porch' has atSunset(offset = -15m)"
        }
    })
