package dev.mqttflow.cli

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.net.InetAddress

/** Issue 17: `--http` addresses and `--log-format`. */
class OpsSettingsTest :
    FunSpec({
        test("a bare port binds the loopback address; any other address is taken as given") {
            OpsSettings.address("9464").address shouldBe InetAddress.getLoopbackAddress()
            OpsSettings.address("9464").port shouldBe 9464
            OpsSettings.address("0.0.0.0:9100").address.isAnyLocalAddress shouldBe true
            OpsSettings.address("[::1]:9100").address shouldBe InetAddress.getByName("::1")
            OpsSettings.address("127.0.0.1:80").port shouldBe 80
        }

        test("a bad address says what was expected and quotes the input") {
            shouldThrow<BadValue> { OpsSettings.address("127.0.0.1:http") }.reason shouldContain "'127.0.0.1:http'"
            shouldThrow<BadValue> { OpsSettings.address(":9464") }.reason shouldContain "expected a host"
            shouldThrow<BadValue> { OpsSettings.address("70000") }.reason shouldContain "1 to 65535"
        }

        test("--http is off by default and --log-format is text; a bad format is a usage error naming the option") {
            val result = cli("run", "--log-format", "xml", "x.Y")
            result.code shouldBe ExitCode.USAGE
            result.err shouldContain "--log-format"
            result.err shouldContain "expected text or json"
            val config = cli("run", "--print-config").out
            config shouldContain "http"
            config shouldContain "off"
        }
    })
