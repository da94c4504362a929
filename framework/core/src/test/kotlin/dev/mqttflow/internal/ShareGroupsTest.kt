package dev.mqttflow.internal

import dev.mqttflow.config.MqttFlowConfig
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class ShareGroupsTest :
    FunSpec({
        test("a shared filter of a process in a group goes to the broker as \$share/{group}/{filter}") {
            ShareGroups.brokerFilter("g1", "home/+/temp", shared = true) shouldBe "\$share/g1/home/+/temp"
            ShareGroups.brokerFilter("g1", "#", shared = true) shouldBe "\$share/g1/#"
        }

        test("without a group, with shared = false, or already shared, the filter is sent as written") {
            ShareGroups.brokerFilter(null, "a/b", shared = true) shouldBe "a/b"
            ShareGroups.brokerFilter("g1", "a/b", shared = false) shouldBe "a/b"
            ShareGroups.brokerFilter("g1", "\$share/other/a/b", shared = true) shouldBe "\$share/other/a/b"
        }

        test("a share name with '/', '+' or '#', or an empty one, is refused by the config, naming it") {
            for (bad in listOf("a/b", "a+", "#", "")) {
                val e = shouldThrow<IllegalArgumentException> { MqttFlowConfig(group = bad) }
                e.message shouldContain "group '$bad'"
            }
            MqttFlowConfig(group = "kitchen-1").group shouldBe "kitchen-1"
        }

        test("overlap: exact for a topic without wildcards, by the first level for two wildcard filters") {
            ShareGroups.overlap("\$share/g/home/#", "home/hall/temp") shouldBe true
            ShareGroups.overlap("home/hall/temp", "\$share/g/home/+/temp") shouldBe true
            ShareGroups.overlap("\$share/g/home/#", "garden/temp") shouldBe false
            ShareGroups.overlap("\$share/g/home/#", "home/+/x") shouldBe true
            ShareGroups.overlap("\$share/g/home/#", "garden/+") shouldBe false
            ShareGroups.overlap("\$share/g/+/x", "garden/#") shouldBe true
        }
    })
