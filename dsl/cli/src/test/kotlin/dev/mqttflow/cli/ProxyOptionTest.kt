package dev.mqttflow.cli

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

private const val ECHO = "dev.mqttflow.cli.fixtures.FixturesKt#echo"

/** `--proxy` / MQTTFLOW_PROXY: shown without its password, and a bad URL is a usage error naming the option. */
class ProxyOptionTest :
    FunSpec({
        fun proxyRow(vararg args: String, env: Map<String, String> = emptyMap()): String {
            val result = cli("run", "--print-config", *args, env = env)
            result.code shouldBe 0
            result.out shouldNotContain "s3cret"
            return result.out.lines().single { it.startsWith("proxy ") }
        }

        test("--print-config shows the proxy with its password hidden, and where it came from") {
            proxyRow() shouldContain "(none: connect directly)"
            val row = proxyRow("--proxy", "socks5://alice:s3cret@127.0.0.1:1080")
            row shouldContain "socks5://alice:****@127.0.0.1:1080"
            row shouldContain "command line (--proxy)"
            proxyRow(env = mapOf("MQTTFLOW_PROXY" to "http://bob:s3cret@proxy.lan:3128")) shouldContain
                "environment (MQTTFLOW_PROXY)"
        }

        test("a bad proxy URL exits with 2 and one error line naming the option, never the password") {
            val bad = cli("run", "--proxy", "ftp://alice:s3cret@h:21", ECHO)
            bad.code shouldBe 2
            bad.errorLines shouldHaveSize 1
            bad.errorLines.single() shouldContain "invalid value for --proxy: unsupported scheme 'ftp'"
            bad.err shouldNotContain "s3cret"
            val noPort = cli("run", ECHO, env = mapOf("MQTTFLOW_PROXY" to "socks5://h"))
            noPort.code shouldBe 2
            noPort.errorLines.single() shouldContain "MQTTFLOW_PROXY"
            noPort.errorLines.single() shouldContain "no port"
        }
    })
