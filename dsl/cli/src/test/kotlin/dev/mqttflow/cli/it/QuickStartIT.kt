package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.cli.InProcessCli
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.net.InetAddress
import java.net.ServerSocket
import java.util.concurrent.TimeUnit

/** `mqttflow quickstart` and `mqttflow run --embedded-broker`: a broker in the process, nothing else needed. */
class QuickStartIT :
    FunSpec({
        fun InProcessCli.awaitOut(fragment: String) {
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
            while (fragment !in outText() && System.nanoTime() < deadline) Thread.sleep(100)
            outText() shouldContain fragment
        }

        test("the quick start runs the demo, shows what was received and published, and takes motion of our own") {
            val port = EmbeddedBroker.freePort()
            val cli = InProcessCli(listOf("quickstart", "-p", "$port", "--off-after", "0.5")).start()
            cli.awaitOut("[demo]    done.")
            val lines = cli.outText().lines()
            lines shouldContainAll listOf(
                "MQTT broker (HiveMQ CE, in this process) listening on 127.0.0.1:$port",
                "[demo]    publishing home/kitchen/motion = 1",
                "[monitor] received home/kitchen/motion = 1",
                "[lights]  motion in kitchen: publishing home/lights/kitchen/set = on (off in 500ms)",
                "[monitor] received home/lights/kitchen/set = on",
                "[monitor] received home/hall/motion = 1",
                "[monitor] received home/lights/hall/set = on",
                "[monitor] received home/kitchen/motion = 0",
                "[monitor] received home/lights/kitchen/set = off",
                "[monitor] received home/lights/hall/set = off",
                "          mosquitto_pub -h 127.0.0.1 -p $port -t home/garage/motion -m 1",
            )
            // "0" is no motion: the lights do not react to it.
            lines.count { it.startsWith("[lights]  motion in kitchen") } shouldBe 1

            RawClient(port).use { raw -> raw.publish("home/garage/motion", "on") }
            cli.awaitOut("[monitor] received home/lights/garage/set = on")
            cli.stop()
            cli.await().code shouldBe 0
        }

        test("the quick start moves to a free port when its port is taken, and says so") {
            ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { taken ->
                val cli = InProcessCli(listOf("quickstart", "-p", "${taken.localPort}", "--no-demo")).start()
                cli.awaitOut("send motion with: mosquitto_pub")
                cli.outText() shouldContain "port ${taken.localPort} is taken; using "
                cli.outText().lines().filter { it.startsWith("[demo]") } shouldHaveSize 0
                cli.stop()
                cli.await().code shouldBe 0
            }
        }

        test("run --embedded-broker serves the consumers on the chosen port") {
            val port = EmbeddedBroker.freePort()
            val cli = InProcessCli(listOf("run", "--embedded-broker", "-p", "$port", ECHO)).start()
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60)
            var raw: RawClient? = null
            while (raw == null && System.nanoTime() < deadline) {
                raw = runCatching { RawClient(port) }.getOrNull() ?: run {
                    Thread.sleep(200)
                    null
                }
            }
            checkNotNull(raw) { "the embedded broker never accepted a client on $port" }.use {
                it.subscribe("echo/out/#")
                it.awaitEcho("embedded")
            }
            cli.stop()
            cli.await().code shouldBe 0
        }

        test("run --embedded-broker on a taken port is one error line and exit code 1") {
            ServerSocket(0, 1, InetAddress.getLoopbackAddress()).use { taken ->
                val result = InProcessCli(listOf("run", "--embedded-broker", "-p", "${taken.localPort}", ECHO)).run()
                result.code shouldBe 1
                result.errorLines shouldHaveSize 1
                result.errorLines.single() shouldContain "port ${taken.localPort} on 127.0.0.1 is already in use"
            }
        }
    })
