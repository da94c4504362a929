package dev.mqttflow.cli.it

import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.cli.InProcessCli
import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

/** `-T websockets` with `--ws-path`, against Mosquitto's and HiveMQ CE's websocket listeners. */
class WebSocketIT :
    FunSpec({
        fun echoOverWebSockets(tcpPort: Int, wsPort: Int, path: String) {
            RawClient(tcpPort).use { raw ->
                raw.subscribe("echo/out/#")
                val cli = InProcessCli(
                    listOf("run", "-H", "127.0.0.1", "-p", "$wsPort", "-T", "websockets", "--ws-path", path, ECHO),
                ).start()
                raw.awaitEcho("ws")
                cli.stop()
                cli.await().code shouldBe 0
            }
        }

        test("over websockets to Mosquitto") {
            val wsPort = EmbeddedBroker.freePort()
            Mosquitto(extraConfig = "listener $wsPort 127.0.0.1\nprotocol websockets").use { broker ->
                echoOverWebSockets(broker.port, wsPort, "/mqtt")
            }
        }

        test("over websockets to the embedded HiveMQ CE broker, whose listener is at /mqtt") {
            EmbeddedBroker.start(webSocketPort = 0).use { broker ->
                echoOverWebSockets(broker.port, broker.webSocketPort!!, "/mqtt")
            }
        }

        test("the path is used: a wrong one is refused by HiveMQ CE") {
            EmbeddedBroker.start(webSocketPort = 0).use { broker ->
                val result = InProcessCli(
                    listOf(
                        "run", "-H", "127.0.0.1", "-p", "${broker.webSocketPort}", "-T", "websockets",
                        "--ws-path", "/not-mqtt", "-r", "1", "--connect-timeout", "3", ECHO,
                    ),
                ).run()
                result.code shouldBe 1
                result.errorLines shouldHaveSize 1
                result.errorLines.single() shouldContain "cannot connect"
            }
        }
    })
