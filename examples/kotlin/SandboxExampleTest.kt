// Testing your code against the sandbox, with JUnit 5: `cardboss.testing.Sandbox` runs the
// sandbox inside the JVM (no separate server to start). Compiled and run by bindings-kotlin's
// Maven build with the binding's own tests.
package example

import cardboss.CardBossClient
import cardboss.CardRef
import cardboss.CardSet
import cardboss.testing.Sandbox
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The code under test: suspends the first `limit` cards of the account. */
suspend fun suspendIdleCards(client: CardBossClient, limit: Int): List<String> {
    val cards = client.listCards(1).cards.take(limit).map { it.msisdn }
    for (msisdn in cards) client.suspend(CardRef(msisdn = msisdn))
    return cards
}

class SandboxExampleTest {
    @Test
    fun suspendsTheCards() = runBlocking<Unit> {
        Sandbox.start(cards = 50, strict = true).use { sb ->
            val client = sb.client()
            val suspended = suspendIdleCards(client, 3)
            val details = client.cardDetails(CardSet(msisdns = suspended))
            assertEquals(listOf(3L, 3L, 3L), details.map { it.msstatus })
            // the sandbox's ledger (JSON) shows what was done
            val ledger = sb.ledger()
            assertTrue(suspended.all { ledger.contains(it) }, ledger)
        }
    }
}
