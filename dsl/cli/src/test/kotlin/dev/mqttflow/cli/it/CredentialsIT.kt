package dev.mqttflow.cli.it

import dev.mqttflow.it.Mosquitto
import dev.mqttflow.it.RawClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/**
 * A broker that checks user names and passwords: a refusal is one error line and exit code 1,
 * and the password never appears in any output, even at the highest verbosity.
 */
class CredentialsIT :
    FunSpec({
        val secret = "pa55-s3cret-xyzzy"
        val passwords = Files.createTempFile("mosquitto-passwd-", "")
        val made = ProcessBuilder("mosquitto_passwd", "-b", passwords.toString(), "alice", secret)
            .redirectErrorStream(true).start()
        check(made.waitFor(30, TimeUnit.SECONDS) && made.exitValue() == 0) {
            "mosquitto_passwd failed: " + made.inputStream.readAllBytes().decodeToString()
        }
        val broker = Mosquitto(extraConfig = "user root\nallow_anonymous false\npassword_file $passwords")
        afterSpec {
            broker.close()
            Files.deleteIfExists(passwords)
        }

        fun ChildCli.allOutput() = out() + err()

        for (protocol in listOf("5", "3.1.1")) {
            test("MQTT $protocol: a refused password is one error line, exit code 1, and never shown") {
                ChildCli(
                    listOf("run", "-H", "127.0.0.1", "-p", "${broker.port}", "--protocol", protocol, "-v", "2", ECHO),
                    env = mapOf("MQTT_USERNAME" to "alice", "MQTT_PASSWORD" to "wrong-$secret"),
                ).use { child ->
                    child.awaitExitCode() shouldBe 1
                    val errors = child.err().lines().filter { it.startsWith("mqttflow: error:") }
                    errors shouldHaveSize 1
                    errors.single() shouldContain "refused the connection"
                    child.allOutput() shouldNotContain secret
                }
            }
        }

        test("the right password connects, and is not shown either") {
            RawClient(broker.port, username = "alice", password = secret).use { raw ->
                raw.subscribe("echo/out/#")
                ChildCli(
                    listOf(
                        "run", "-H", "127.0.0.1", "-p", "${broker.port}", "-U", "alice", "-P", secret, "-v", "2", ECHO,
                    ),
                ).use { child ->
                    raw.awaitEcho("authenticated")
                    child.terminate()
                    child.awaitExitCode() shouldBe 0
                    child.allOutput() shouldNotContain secret
                }
            }
        }
    })
