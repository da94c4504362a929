package dev.mqttflow.cli

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

private const val PORCH = "dev.mqttflow.cli.AutomationOptionTestKt#porch"

/** `--group` and `MQTTFLOW_GROUP`: shown with their source, a bad share name exits with 2 naming the option. */
class GroupOptionTest :
    FunSpec({
        fun row(vararg args: String, env: Map<String, String> = emptyMap()): String {
            val result = cli("run", "--print-config", *args, env = env)
            result.code shouldBe 0
            return result.out.lines().single { it.startsWith("group ") }
        }

        test("--print-config shows the group and where it came from") {
            row() shouldContain "(none: every instance gets every message)"
            row("--group", "house") shouldContain "house"
            row("--group", "house") shouldContain "command line (--group)"
            row(env = mapOf("MQTTFLOW_GROUP" to "barn")) shouldContain "environment (MQTTFLOW_GROUP)"
        }

        test("a share name with '/', '+' or '#' exits with 2 and one error line naming the option and the value") {
            for (bad in listOf("a/b", "a+b", "#")) {
                val r = cli("run", "--group", bad, PORCH)
                r.code shouldBe 2
                r.errorLines shouldHaveSize 1
                r.errorLines.single() shouldContain "--group"
                r.errorLines.single() shouldContain "'$bad'"
            }
            val env = cli("run", PORCH, env = mapOf("MQTTFLOW_GROUP" to "x/y"))
            env.code shouldBe 2
            env.errorLines.single() shouldContain "MQTTFLOW_GROUP"
        }
    })
