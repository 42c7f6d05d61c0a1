package cardboss

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Instant

/** The shared vectors in tests/vectors (expected values made by independent tools). */
class VectorsTest {
    private fun cases(file: String): JsonArray = readJson("tests/vectors/$file").jsonArray.also {
        assertTrue(it.isNotEmpty(), "$file has no cases")
    }

    @Test
    fun signVectors() {
        for (case in cases("sign.json")) {
            val parts = case.obj.getValue("parts").jsonArray.map { it.jsonPrimitive.content }
            assertEquals(case.str("sign"), sign(parts), case.str("name"))
        }
    }

    @Test
    fun timestampVectors() {
        for (case in cases("timestamp.json")) {
            val at = Instant.parse(case.str("utc"))
            val offset = case.obj.getValue("offset_minutes").jsonPrimitive.int
            assertEquals(case.str("ts"), timestamp(at, offset), "${case.str("utc")} at $offset")
        }
        // Default: now, in UTC+8.
        assertEquals(14, timestamp().length)
    }

    @Test
    fun encryptedSms() {
        for (case in cases("sms_encrypt.json")) {
            val name = case.str("name")
            val apikey = case.str("apikey")
            val mobiles = case.obj.getValue("mobiles").jsonArray.map { it.jsonPrimitive.content }
            val content = case.str("content")
            assertEquals(case.str("base64"), encryptSms(apikey, mobiles, content), name)
            for (text in listOf(case.str("base64"), case.str("base64_wrapped"))) {
                val plain = decryptSms(apikey, text)
                assertEquals(mobiles, plain.mobiles, name)
                assertEquals(content, plain.content, name)
            }
        }
    }

    @Test
    fun pushSignatures() {
        for (case in cases("push_sign.json")) {
            val name = case.str("name")
            val body = case.str("body")
            val push = verifyPush(body, case.str("apikey"))
            assertEquals(case.str("id"), push.id, name)
            assertEquals(case.str("sid"), push.sid, name)
            assertEquals(case.str("sn").trim(), push.sn, name)
            assertEquals(case.str("data"), push.data, name)
            when (push.sn) {
                "OD1002" -> assertTrue(push.content.renewalResult != null, name)
                "OD1010" -> assertTrue(!push.content.usageWarnings.isNullOrEmpty(), name)
            }
            val api = case.obj.getValue("api")
            if (api is JsonNull) assertEquals("", push.api, name)
            // The same body with another apikey, or with one character of the sign changed, is forged.
            assertThrows<CardBossException.PushRejected>(name) { verifyPush(body, "f".repeat(32)) }
            val sign = case.str("sign")
            val flipped = sign.dropLast(1) + (if (sign.last() == '0') '1' else '0')
            val forged = body.replace(sign, flipped)
            val e = assertThrows<CardBossException.PushRejected>(name) { verifyPush(forged, case.str("apikey")) }
            assertEquals("PUSH_REJECTED", e.info().code)
        }
    }

    @Test
    fun billingVectors() {
        for (case in cases("billing.json")) {
            val content = case.str("content")
            assertEquals(case.obj.getValue("billed").jsonPrimitive.int, smsBillingCount(content).toInt(), content.take(20))
        }
    }
}
