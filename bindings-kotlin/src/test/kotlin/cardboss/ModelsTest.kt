package cardboss

import cardboss.testing.Sandbox
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test

/** The models are immutable data classes: users build them (fixtures), copy and compare them. */
class ModelsTest {
    @Test
    fun `models from the sandbox round-trip through copy and compare by value`() = runBlocking<Unit> {
        Sandbox.start(cards = 5).use { sb ->
            sb.client().use { client ->
                val card = client.listCards(1).cards.first()
                val detail = client.cardDetails(CardSet.ofMsisdns(card.msisdn)).single()
                for (model in listOf<Any>(card, detail)) {
                    val copy = when (model) {
                        is Card -> model.copy()
                        is CardDetail -> model.copy()
                        else -> error("unexpected $model")
                    }
                    assertEquals(model, copy)
                    assertEquals(model.hashCode(), copy.hashCode())
                }
                val other = detail.copy(msisdn = "1440000000000")
                assertNotEquals(detail, other)
                assertEquals(detail, other.copy(msisdn = detail.msisdn))
                // A model built by hand equals the one the client decoded.
                assertEquals(card, Card(msisdn = card.msisdn, iccid = card.iccid, imsi = card.imsi, state = card.state, extra = card.extra))
                // Fetched again, the same card is an equal value.
                assertEquals(detail, client.cardDetails(CardSet.ofMsisdns(card.msisdn)).single())
            }
        }
    }

    @Test
    fun `option records need only the fields that are set`() {
        val none = RenewOptions()
        assertNull(none.audit)
        assertNull(none.startdate)
        val some = RenewOptions(remark = "fixture", audit = Audit.AUTOMATIC)
        assertEquals(some, none.copy(remark = "fixture", audit = Audit.AUTOMATIC))
        assertEquals(CardRef(msisdn = "1440000000001"), CardRef.ofMsisdn("1440000000001"))
        assertEquals(CardSet(iccids = listOf("8986")), CardSet.ofIccids("8986"))
    }
}
