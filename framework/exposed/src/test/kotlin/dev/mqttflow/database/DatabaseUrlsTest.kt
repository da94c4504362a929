package dev.mqttflow.database

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** Passwords DatabaseUrlFuzzTest found shown by [DatabaseUrls.redact] (docs/fuzzing.md). */
class DatabaseUrlsTest :
    FunSpec({
        test("a user-info password holding @ is hidden whole") {
            DatabaseUrls.redact("jdbc:postgresql://me:p@ss@host/db") shouldBe "jdbc:postgresql://me:****@host/db"
        }

        test("a user-info password holding / is hidden") {
            DatabaseUrls.redact("jdbc:postgresql://me:pa/ss@host/db") shouldBe "jdbc:postgresql://me:****@host/db"
        }

        test("a user-info password that looks like a parameter is hidden whole") {
            DatabaseUrls.redact("jdbc:postgresql://me:x&pwd=secret@host/db") shouldBe
                "jdbc:postgresql://me:****@host/db"
        }

        test("parameters and user info are both hidden; a URL without a password is unchanged") {
            DatabaseUrls.redact("jdbc:postgresql://me:a@host/db?password=b&user=me") shouldBe
                "jdbc:postgresql://me:****@host/db?password=****&user=me"
            DatabaseUrls.redact("jdbc:postgresql://host:5432/db") shouldBe "jdbc:postgresql://host:5432/db"
        }
    })
