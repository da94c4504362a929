package dev.mqttflow.config

import dev.mqttflow.errors.ConfigException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

class ProxyConfigTest :
    FunSpec({
        test("reads SOCKS5, SOCKS4 and HTTP proxy URLs, with and without credentials") {
            ProxyConfig.parse("socks5://127.0.0.1:1080") shouldBe ProxyConfig(ProxyProtocol.SOCKS5, "127.0.0.1", 1080)
            ProxyConfig.parse("SOCKS5://alice:s3cret@proxy.lan:1081") shouldBe
                ProxyConfig(ProxyProtocol.SOCKS5, "proxy.lan", 1081, "alice", "s3cret")
            ProxyConfig.parse("socks4://bob@proxy.lan:1080") shouldBe
                ProxyConfig(ProxyProtocol.SOCKS4, "proxy.lan", 1080, "bob")
            ProxyConfig.parse(" http://proxy.lan:3128/ ") shouldBe ProxyConfig(ProxyProtocol.HTTP, "proxy.lan", 3128)
            ProxyConfig.parse("http://[::1]:3128").host shouldBe "::1"
        }

        test("a percent-encoded password may hold @, : and /") {
            ProxyConfig.parse("socks5://alice:p%40ss%3Aw%2Frd+@h:1080").password shouldBe "p@ss:w/rd+"
        }

        test("toString shows the proxy as a URL without its password") {
            val proxy = ProxyConfig.parse("socks5://alice:s3cret@h:1080")
            proxy.toString() shouldBe "socks5://alice:****@h:1080"
            MqttFlowConfig(proxy = proxy).toString() shouldContain "proxy=socks5://alice:****@h:1080"
        }

        test("a bad URL is refused for option 'proxy', saying what is wrong, never showing the password") {
            fun refusal(url: String): ConfigException = shouldThrow<ConfigException> { ProxyConfig.parse(url) }
            refusal("127.0.0.1:1080").reason shouldContain "127.0.0.1:1080"
            refusal("proxy.lan").reason shouldContain "no scheme"
            refusal("ftp://h:21").reason shouldContain "unsupported scheme 'ftp'"
            refusal("socks5://h").reason shouldContain "no port"
            refusal("socks5://h:0").reason shouldContain "port must be 1..65535"
            refusal("http://h:3128/path").reason shouldContain "no path"
            refusal("http://h:3128?x=1").reason shouldContain "no query"
            refusal("socks5://:pw@h:1080").reason shouldContain "user name"
            refusal("socks5://a:%zz@h:1080").reason shouldContain "Malformed escape" // URI refuses it first
            val withSecret = refusal("socks5://alice:s3cret@h")
            withSecret.option shouldBe "proxy"
            withSecret.message.orEmpty() shouldNotContain "s3cret"
            withSecret.reason shouldContain "socks5://alice:****@h"
        }

        test("the builder takes a proxy URL") {
            MqttFlowConfig.builder().proxy("http://h:3128").build().proxy shouldBe
                ProxyConfig(ProxyProtocol.HTTP, "h", 3128)
        }
    })
