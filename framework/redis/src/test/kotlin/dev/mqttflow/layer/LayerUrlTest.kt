package dev.mqttflow.layer

import dev.mqttflow.errors.ConfigException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.string.shouldStartWith

/** Channel layer URLs that LayerUrlFuzzTest found mishandled (docs/fuzzing.md); none of them connects. */
class LayerUrlTest :
    FunSpec({
        test("a redis URL without // is a ConfigException naming the channel layer URL, not a URISyntaxException") {
            shouldThrow<ConfigException> { ChannelLayer.fromUrl("redis:foo") }.message shouldStartWith
                "channel layer URL: "
        }

        test("a channel layer URL that does not parse is refused without showing its password") {
            val e = shouldThrow<ConfigException> { ChannelLayer.fromUrl("redis://:s3cret@bad host:6379") }
            e.message!! shouldNotContain "s3cret"
            e.message!! shouldStartWith "channel layer URL: "
        }

        test("a redis URL without a host is refused before any connection") {
            shouldThrow<ConfigException> { LayerUrl.parse("redis:///0") }.message shouldStartWith "channel layer URL: "
        }

        test("a good redis URL keeps its user info, database and options") {
            LayerUrl.parse("rediss://u:p%40ss@redis.local:6380/2?prefix=app&capacity=50") shouldBe
                LayerUrl.Redis("rediss://u:p%40ss@redis.local:6380/2", "app", 50)
        }

        test("a URL that Lettuce refuses is refused without its password, even where Lettuce quotes it") {
            val e = shouldThrow<ConfigException> { ChannelLayer.fromUrl("redis://@p/:ssuw@host:1/0") }
            e.message!! shouldNotContain "ssuw"
            e.message!! shouldStartWith "channel layer URL: "
        }

        test("a password= parameter is hidden in channel layer messages too") {
            val e = shouldThrow<ConfigException> { ChannelLayer.fromUrl("redis:/x?password=s3cret") }
            e.message!! shouldNotContain "s3cret"
            e.message!! shouldStartWith "channel layer URL: "
        }

        test("a capacity that is not a number is quoted without the password it may hold") {
            val url = "redis://u:p@ss/x?capacity=0w@redis://u:p@ss/y?z"
            val e = shouldThrow<ConfigException> { ChannelLayer.fromUrl(url) }
            e.message!! shouldStartWith "channel layer URL: capacity must be a positive number"
            e.message!! shouldNotContain "p@ss"
        }

        test("a password holding @ or / is hidden whole") {
            LayerUrl.hidePassword("redis://u:p@ss/w@host:1/0") shouldBe "redis://u:****@host:1/0"
        }
    })
