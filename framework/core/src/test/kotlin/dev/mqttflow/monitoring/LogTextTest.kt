package dev.mqttflow.monitoring

import dev.mqttflow.internal.forLog
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs

/** Issue 17: control characters in topics never reach a log line raw. */
class LogTextTest :
    FunSpec({
        test("NUL, newline, ESC, DEL and C1 controls are escaped; a backslash is doubled only then") {
            "a\u0000b\nc\u001b[31m\u007f\u0085\\".forLog() shouldBe "a\\u0000b\\u000ac\\u001b[31m\\u007f\\u0085\\\\"
        }

        test("a plain topic is returned as it is, not copied") {
            val topic = "home/kitchen/motion\\x"
            topic.forLog() shouldBeSameInstanceAs topic
        }
    })
