package cardboss

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** `renewPackage`: the spec's renewal length rule checked against the package as `packages()`
 *  listed it, before anything is sent. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RenewPackageTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: CardBossClient
    private lateinit var cards: List<Card>

    @BeforeAll
    fun start() = runBlocking<Unit> {
        sandbox = Sandbox(cards = 120)
        sandbox.adminPost("config", """{"balance": 100000}""")
        client = sandbox.client()
        cards = client.listCards(1).cards
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private fun renewRequests(): Long =
        sandbox.adminGet("stats").jsonObject["endpoints"]?.jsonObject?.get("card/pkg/renew")?.jsonPrimitive?.longOrNull ?: 0

    /** The first card (not in `used`) whose main package satisfies `pick`, with that package. */
    private suspend fun cardWithMainPackage(used: MutableSet<String>, pick: (Package) -> Boolean): Pair<Card, Package> {
        for (card in cards) {
            if (card.msisdn in used) continue
            val pkg = client.packages(CardRef(msisdn = card.msisdn)).pkgs.firstOrNull { it.mainpkg && pick(it) } ?: continue
            used += card.msisdn
            return card to pkg
        }
        error("no card of the sandbox has such a main package")
    }

    @Test
    fun validRenewalsAreSent() = runBlocking<Unit> {
        val used = mutableSetOf<String>()
        // A long pack in 2 whole cycles (the sandbox's quarterly pack: buycycle 3, so 6 months).
        val (longCard, longPack) = cardWithMainPackage(used) { it.pkgcategory == 2L && it.buycycle > 1 }
        val months = (2 * longPack.buycycle).toInt()
        val before = renewRequests()
        val order = client.renewPackage(
            CardRef(msisdn = longCard.msisdn), longPack, months,
            RenewOptions(audit = Audit.MANUAL, remark = "renewPackage"),
        )
        assertEquals(longCard.msisdn, order.msisdn)
        assertTrue(order.orderid.isNotEmpty())
        assertTrue(order.orderamount > 0.0)
        assertEquals(before + 1, renewRequests())
        val recorded = sandbox.adminGet("orders").jsonArray.single { it.str("orderid") == order.orderid }
        assertEquals(longPack.pkgcode, recorded.str("pkgcode"))
        assertEquals(months.toString(), recorded.str("month"))

        // A month pack for its minimum of 12 months, by iccid, options left out.
        val (monthCard, monthPack) = cardWithMainPackage(used) { it.pkgcategory == 1L }
        val monthly = client.renewPackage(CardRef.ofIccid(monthCard.iccid), monthPack, 12)
        assertEquals(monthCard.msisdn, monthly.msisdn)
        assertEquals(before + 2, renewRequests())
    }

    @Test
    fun lengthRuleIsCheckedBeforeSending() = runBlocking<Unit> {
        val used = mutableSetOf<String>()
        val (monthCard, monthPack) = cardWithMainPackage(used) { it.pkgcategory == 1L }
        val (longCard, longPack) = cardWithMainPackage(used) { it.pkgcategory == 2L && it.buycycle > 1 }
        val ledgerBefore = sandbox.adminGet("ledger").jsonArray.size
        val before = renewRequests()

        // A month pack for less than 12 months.
        val short = assertThrows<CardBossException.InvalidInput> {
            runBlocking { client.renewPackage(CardRef(msisdn = monthCard.msisdn), monthPack, 1) }
        }
        assertEquals("INVALID_INPUT", short.info.code)
        assertEquals("months", short.info.field)
        assertTrue(short.info.msg.contains("12"), short.info.msg)
        // A long pack in part of a cycle.
        val partial = assertThrows<CardBossException.InvalidInput> {
            runBlocking { client.renewPackage(CardRef(msisdn = longCard.msisdn), longPack, (longPack.buycycle + 1).toInt()) }
        }
        assertEquals("months", partial.info.field)
        // No months at all, and a malformed card.
        assertThrows<CardBossException.InvalidInput> { runBlocking { client.renewPackage(CardRef(msisdn = monthCard.msisdn), monthPack, 0) } }
        assertThrows<CardBossException.InvalidInput> { runBlocking { client.renewPackage(CardRef(msisdn = "abc"), monthPack, 12) } }

        assertEquals(before, renewRequests(), "nothing was sent")
        assertEquals(ledgerBefore, sandbox.adminGet("ledger").jsonArray.size)

        // Control: plain `renew` does not know the package, sends the same short order, and the
        // platform refuses it (1031).
        val refused = assertThrows<CardBossException.Api> {
            runBlocking { client.renew(CardRef(msisdn = monthCard.msisdn), monthPack.pkgcode, 1) }
        }
        assertEquals("1031", refused.info().code)
        assertEquals(before + 1, renewRequests())
    }
}
