package dev.mqttflow.chaos

/** The `.mqtt.kts` consumers the chaos scenarios run (each records what it handled, one number a line). */
object ChaosScripts {
    /** Subscribes to `chaos/seq` at `CHAOS_QOS`; appends each payload to `CHAOS_OUT`, after `CHAOS_DELAY_MS`. */
    val recorder = """
        val out = java.io.FileOutputStream(env("CHAOS_OUT")!!, true)
        val qos = env("CHAOS_QOS")?.toInt() ?: 1
        val pause = env("CHAOS_DELAY_MS")?.toLong() ?: 0L

        mqttConsumer("chaos") {
            onConnect {
                subscribe("chaos/seq", qos = qos)
                log.info("chaos: subscribed")
            }
            onMessage { msg ->
                if (pause > 0) delay(pause)
                out.write((msg.text + "\n").encodeToByteArray())
            }
        }
    """.trimIndent()

    /** Publishes 1, 2, 3 … to `chaos/tick` at QoS 1 every 100 ms, from a timer started once. */
    val ticker = """
        mqttConsumer("chaos") {
            onConnect {
                log.info("chaos: subscribed")
                launch {
                    var n = 1
                    while (true) {
                        publish("chaos/tick", "${'$'}n", qos = 1)
                        n++
                        delay(100)
                    }
                }
            }
        }
    """.trimIndent()

    /**
     * Once the file `CHAOS_GO` exists, makes 50 QoS 1 publishes to `chaos/out` (1..50), each from a
     * coroutine of its own, so all 50 wait in the outbox together while the broker is down.
     */
    val outboxFiller = """
        val go = java.io.File(env("CHAOS_GO")!!)

        mqttConsumer("chaos") {
            onConnect {
                log.info("chaos: subscribed")
                launch {
                    while (!go.exists()) delay(50)
                    for (n in 1..50) launch { publish("chaos/out", "${'$'}n", qos = 1) }
                }
            }
        }
    """.trimIndent()

    /**
     * Every 10th message throws; failures are retried, then dead-lettered to `chaos/dead/{consumer}`
     * (issue 11 item 5, engineer A's `onFailure`). The others are recorded.
     */
    val poison = """
        import kotlin.time.Duration.Companion.milliseconds

        val out = java.io.FileOutputStream(env("CHAOS_OUT")!!, true)

        mqttConsumer("chaos") {
            onFailure(retry = 2, backoff = 10.milliseconds, deadLetter = "chaos/dead/{consumer}")
            onConnect {
                subscribe("chaos/seq", qos = 1)
                log.info("chaos: subscribed")
            }
            onMessage { msg ->
                if (msg.text.toInt() % 10 == 0) error("poison ${'$'}{msg.text}")
                out.write((msg.text + "\n").encodeToByteArray())
            }
        }
    """.trimIndent()
}
