package dev.mqttflow.layer

import com.code_intelligence.jazzer.junit.FuzzTest
import dev.mqttflow.errors.ConfigException
import dev.mqttflow.fuzz.fuzzText
import dev.mqttflow.fuzz.passwordsIn
import dev.mqttflow.fuzz.show
import dev.mqttflow.fuzz.valueOr

/**
 * Fuzzes Channel layer URL parsing ([LayerUrl.parse], docs/fuzzing.md): a layer description or a
 * [ConfigException] naming the channel layer URL and never showing the URL's password.
 */
class LayerUrlFuzzTest {
    @FuzzTest(maxDuration = "2m")
    fun parse(data: ByteArray) {
        val url = fuzzText(data)
        val secrets = passwordsIn(url, FIXED_TEXT)
        val hidden = { message: String -> secrets.none { it in message } }
        valueOr<ConfigException>(url, { it.startsWith("channel layer URL: ") && hidden(it) }) {
            when (val parsed = LayerUrl.parse(url)) {
                LayerUrl.Memory -> Unit
                is LayerUrl.Redis -> check(parsed.capacity > 0) { show(url) }
            }
        }
        val shown = LayerUrl.hidePassword(url)
        check(hidden(shown)) { "hidePassword(${show(url)}) shows a password: ${show(shown)}" }
    }

    private companion object {
        // The words of LayerUrl's messages around the URL they quote.
        const val FIXED_TEXT =
            "channel layer URL: unknown layer: use memory:// or redis://host:port; names no Redis host: " +
                "use redis://host:port[/db]; is not a URL; is not a Redis URL Lettuce accepts; capacity must be a " +
                "positive number, not"
    }
}
