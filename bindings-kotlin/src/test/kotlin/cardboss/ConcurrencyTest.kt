package cardboss

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** One client shared by 200 coroutines at once. */
class ConcurrencyTest {
    @Test
    fun twoHundredCoroutinesOnOneClient() {
        Sandbox(cards = 300).use { sandbox ->
            sandbox.client().use { client ->
                runBlocking {
                    val cards = client.listCards(1).cards + client.listCards(2).cards
                    val before = sandbox.adminGet("stats").obj.getValue("total").jsonPrimitive.int
                    val results = withTimeout(120_000) {
                        (0 until 200).map { i ->
                            async(Dispatchers.Default) {
                                val card = cards[i % cards.size]
                                when (i % 4) {
                                    0 -> client.customer().sid
                                    1 -> client.cardDetails(CardSet(msisdns = listOf(card.msisdn))).single().msisdn
                                    2 -> client.currentUsage(CardSet(iccids = listOf(card.iccid))).single().msisdn
                                    else -> client.packages(CardRef(msisdn = card.msisdn)).msisdn
                                }
                            }
                        }.awaitAll()
                    }
                    results.forEachIndexed { i, got ->
                        val want = if (i % 4 == 0) sandbox.sid else cards[i % cards.size].msisdn
                        assertEquals(want, got, "call $i")
                    }
                    val after = sandbox.adminGet("stats").obj.getValue("total").jsonPrimitive.int
                    assertTrue(after - before >= 200, "200 requests reached the sandbox (${after - before})")
                }
            }
        }
    }
}
