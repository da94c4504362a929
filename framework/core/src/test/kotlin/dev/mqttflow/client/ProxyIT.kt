package dev.mqttflow.client

import dev.mqttflow.MqttFlow
import dev.mqttflow.broker.EmbeddedBroker
import dev.mqttflow.config.MqttFlowConfig
import dev.mqttflow.config.ProxyConfig
import dev.mqttflow.errors.ConnectionException
import dev.mqttflow.it.MicroSocks
import dev.mqttflow.it.TinyProxy
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.seconds

/** The broker connection through real proxies on loopback: microsocks (SOCKS5) and tinyproxy (HTTP CONNECT). */
class ProxyIT :
    FunSpec({
        val broker = EmbeddedBroker.start()
        afterSpec { broker.close() }
        val direct = MqttFlowConfig(host = "127.0.0.1", port = broker.port, retries = 1)

        suspend fun echoThrough(proxy: String) {
            MqttFlow.client(direct.copy(proxy = ProxyConfig.parse(proxy))).use { c ->
                c.subscribe("proxied/#", qos = 1)
                c.publish("proxied/x", "through $proxy", qos = 1)
                withTimeout(20.seconds) { c.messages().first() }.text shouldBe "through $proxy"
            }
        }

        test("through a SOCKS5 proxy with a user name and password") {
            MicroSocks("alice", "s3cret").use { socks ->
                socks.start()
                echoThrough("socks5://alice:s3cret@127.0.0.1:${socks.port}")
                val refused = shouldThrow<ConnectionException> {
                    MqttFlow.client(
                        direct.copy(proxy = ProxyConfig.parse("socks5://alice:wrong@127.0.0.1:${socks.port}")),
                    )
                }
                refused.message shouldContain "through socks5://alice:****@127.0.0.1:${socks.port}"
                refused.message shouldNotContain "wrong"
                socks.stop()
                shouldThrow<ConnectionException> { echoThrough("socks5://alice:s3cret@127.0.0.1:${socks.port}") }
            }
        }

        test("through an HTTP CONNECT proxy with Basic credentials, which logs the tunnel to the broker") {
            TinyProxy("alice", "s3cret").use { http ->
                http.start()
                echoThrough("http://alice:s3cret@127.0.0.1:${http.port}")
                http.log() shouldContain "CONNECT 127.0.0.1:${broker.port}"
                shouldThrow<ConnectionException> {
                    MqttFlow.client(direct.copy(proxy = ProxyConfig.parse("http://alice:wrong@127.0.0.1:${http.port}")))
                }
            }
        }
    })
