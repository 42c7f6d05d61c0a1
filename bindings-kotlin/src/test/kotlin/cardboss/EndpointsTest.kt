package cardboss

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/** Every endpoint of the client against the sandbox, in both answer styles for the queries. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointsTest {
    private lateinit var example: Sandbox
    private lateinit var table: Sandbox
    private lateinit var client: CardBossClient
    private lateinit var cards: List<Card>

    @BeforeAll
    fun start() = runBlocking<Unit> {
        example = Sandbox(cards = 250, style = "example")
        table = Sandbox(cards = 250, style = "table")
        example.adminPost("config", """{"balance": 100000}""")
        client = example.client()
        cards = client.listCards(1).cards
    }

    @AfterAll
    fun stop() {
        client.close()
        example.close()
        table.close()
    }

    private fun sandbox(style: String) = if (style == "table") table else example

    /** The cards of the first page whose sandbox record satisfies `pick`. */
    private fun cardWhere(pick: (kotlinx.serialization.json.JsonObject) -> Boolean): Card =
        cards.first { pick(example.adminGet("cards/${it.msisdn}").obj) }

    @ParameterizedTest
    @ValueSource(strings = ["example", "table"])
    fun customer(style: String) = runBlocking<Unit> {
        sandbox(style).client().use { c ->
            val me = c.customer()
            assertEquals(sandbox(style).sid, me.sid)
            assertEquals(250L, me.cardqty)
            assertTrue(me.name.isNotEmpty())
        }
    }

    @ParameterizedTest
    @ValueSource(strings = ["example", "table"])
    fun listCardsAndDetails(style: String) = runBlocking<Unit> {
        sandbox(style).client().use { c ->
            val page = c.listCards(1)
            assertEquals(250L, page.count)
            assertEquals(3L, page.totalpage)
            assertEquals(100, page.cards.size)
            assertTrue(page.cards.all { it.msisdn.isNotEmpty() && it.iccid.isNotEmpty() })
            val last = c.listCards(3)
            assertEquals(50, last.cards.size)

            val ids = page.cards.take(5).map { it.msisdn }
            val details = c.cardDetails(CardSet(msisdns = ids))
            assertEquals(ids, details.map { it.msisdn })
            val byIccid = c.cardDetails(CardSet.ofIccids(*page.cards.take(5).map { it.iccid }.toTypedArray()))
            assertEquals(ids, byIccid.map { it.msisdn })
            assertTrue(details.all { it.mno in setOf("CM", "CT", "UN") })
        }
    }

    @Test
    fun bothStylesDecodeToTheSameFields() = runBlocking<Unit> {
        table.client().use { t ->
            val ids = cards.take(10).map { it.msisdn }
            val a = client.cardDetails(CardSet(msisdns = ids))
            val b = t.cardDetails(CardSet(msisdns = ids))
            assertEquals(a.map { Triple(it.iccid, it.mno, it.msstatus) }, b.map { Triple(it.iccid, it.mno, it.msstatus) })
            val ua = client.currentUsage(CardSet(msisdns = ids))
            val ub = t.currentUsage(CardSet(msisdns = ids))
            assertEquals(ua.map { it.iccids to it.flowusage }, ub.map { it.iccids to it.flowusage })
        }
    }

    @Test
    fun mixedIdsAreToldApartAndComeBackInInputOrder() = runBlocking<Unit> {
        // An iccid, then msisdns, then an iccid: fetched as two requests, answered in this order.
        val ids = listOf(cards[0].iccid, cards[1].msisdn, cards[2].msisdn, cards[3].iccid)
        val details = client.cardDetails(CardSet(cards = ids))
        assertEquals(cards.take(4).map { it.msisdn }, details.map { it.msisdn })
        // `cards` with msisdns would leave unclear which cards are meant: refused, nothing sent.
        val e = assertThrows<CardBossException.InvalidInput> {
            client.cardDetails(CardSet(msisdns = listOf(cards[0].msisdn), cards = ids))
        }
        assertEquals("cards", e.info().field)
    }

    @Test
    fun batchesOfMoreThan100() = runBlocking<Unit> {
        val all = client.cardFlow().toList()
        assertEquals(250, all.size)
        assertEquals(all.map { it.msisdn }.distinct().size, 250)
        val ids = all.map { it.msisdn }
        val details = client.cardDetails(CardSet(msisdns = ids))
        assertEquals(ids, details.map { it.msisdn })
        val usage = client.currentUsage(CardSet(msisdns = ids))
        assertEquals(ids, usage.map { it.msisdn })
    }

    @Test
    fun cardPager() = runBlocking<Unit> {
        client.cards().use { pager ->
            val sizes = mutableListOf<Int>()
            while (true) {
                val page = pager.nextPage() ?: break
                sizes += page.size
            }
            assertEquals(listOf(100, 100, 50), sizes)
            assertNull(pager.nextPage())
        }
        client.cards().use { pager -> assertEquals(250, pager.asFlow().toList().size) }
    }

    @ParameterizedTest
    @ValueSource(strings = ["example", "table"])
    fun usage(style: String) = runBlocking<Unit> {
        sandbox(style).client().use { c ->
            val ids = cards.take(3).map { it.msisdn }
            val current = c.currentUsage(CardSet(msisdns = ids))
            assertEquals(ids, current.map { it.msisdn })
            val month = timestamp().substring(0, 6)
            val history = c.usageHistory(month, CardSet(msisdns = ids))
            assertEquals(ids, history.map { it.msisdn })
            assertTrue(history.all { it.month == month })
            val withDays = c.usageHistory(month, CardSet(iccids = cards.take(2).map { it.iccid }), "1")
            assertEquals(2, withDays.size)
        }
    }

    @Test
    fun packagesAndPools() = runBlocking<Unit> {
        val card = cards.first()
        val list = client.packages(CardRef(msisdn = card.msisdn))
        assertEquals(card.msisdn, list.msisdn)
        assertTrue(list.pkgs.isNotEmpty())
        assertEquals(list.pkgs.size.toLong(), list.count)
        val byIccid = client.packages(CardRef.ofIccid(card.iccid))
        assertEquals(list.pkgs.map { it.pkgcode }, byIccid.pkgs.map { it.pkgcode })

        val pools = client.pools()
        assertTrue(pools.isNotEmpty())
        assertTrue(pools.all { it.poolid.isNotEmpty() })
        assertTrue(pools.any { it.sid != example.sid }, "sub-account pools are listed too")
    }

    @Test
    fun withdrawnEndpoints() = runBlocking<Unit> {
        // Without --legacy the platform answers 1098 (API 停用).
        val e = assertThrows<CardBossException.Api> { runBlocking { client.arrears(1) } }
        assertEquals("1098", e.info().code)
        val e2 = assertThrows<CardBossException.Api> {
            runBlocking { client.dailyUsage(timestamp().substring(0, 8), CardSet(msisdns = listOf(cards[0].msisdn))) }
        }
        assertEquals("1098", e2.info.code)
        Sandbox(cards = 50, style = "example", "--legacy").use { legacy ->
            legacy.client().use { c ->
                val page = c.arrears(1)
                assertTrue(page.count >= 0)
                val first = c.listCards(1).cards.take(3).map { it.msisdn }
                val day = timestamp().substring(0, 8)
                val daily = c.dailyUsage(day, CardSet(msisdns = first))
                assertEquals(day, daily.day)
                assertEquals(first, daily.usages.map { it.msisdn })
            }
        }
    }

    @Test
    fun renew() = runBlocking<Unit> {
        val card = cards[10]
        val pkg = client.packages(CardRef(msisdn = card.msisdn)).pkgs.first { it.mainpkg }
        val months = when (pkg.pkgcategory) {
            1L -> 12
            2L -> pkg.buycycle.toInt()
            else -> 1
        }
        val order = client.renew(
            CardRef(msisdn = card.msisdn), pkg.pkgcode, months,
            RenewOptions(audit = Audit.MANUAL, remark = "kotlin test"),
        )
        assertEquals(card.msisdn, order.msisdn)
        assertTrue(order.orderid.isNotEmpty())
        assertTrue(order.orderamount > 0.0)
        val orders = example.adminGet("orders").jsonArray
        assertTrue(orders.any { it.str("orderid") == order.orderid })
        // A second order while the first is pending: 1080, and the failure still carries `result`.
        val e = assertThrows<CardBossException.Api> {
            runBlocking { client.renew(CardRef(msisdn = card.msisdn), pkg.pkgcode, months) }
        }
        assertEquals("1080", e.info().code)
        assertNotNull(e.info().result)
        assertFalse(e.info().outcomeUnknown)
        // …unless repetition is allowed.
        val again = client.renew(CardRef(msisdn = card.msisdn), pkg.pkgcode, months, RenewOptions(repetition = true))
        assertTrue(again.orderid != order.orderid)
    }

    @Test
    fun lifecycleOperations() = runBlocking<Unit> {
        // The carrier (and the client's cooldown guard) allow one operation of this kind per card
        // within 3 minutes, so each operation gets its own card.
        fun msstatus(id: String) = example.adminGet("cards/$id").obj.getValue("msstatus").jsonPrimitive.int
        val used = mutableSetOf<String>()
        fun fresh(pick: (kotlinx.serialization.json.JsonObject) -> Boolean = { true }): Card =
            cards.drop(20).first { it.msisdn !in used && pick(example.adminGet("cards/${it.msisdn}").obj) }.also { used += it.msisdn }

        example.client().use { ops ->
            ops.endTestPeriod(CardRef(msisdn = fresh().msisdn))
            val active = fresh()
            ops.forceActivate(CardRef(msisdn = active.msisdn))
            assertEquals(2, msstatus(active.msisdn))

            val stopped = fresh()
            ops.suspend(CardRef(iccid = stopped.iccid))
            assertEquals(3, msstatus(stopped.iccid))
            val resumed = fresh()
            ops.resume(CardRef(msisdn = resumed.msisdn))
            assertEquals(2, msstatus(resumed.msisdn))

            // Cards with one APN: data is cut and restored without naming it.
            val cut = fresh { it.getValue("apns").jsonArray.size == 1 }
            ops.disableData(CardRef(msisdn = cut.msisdn))
            val apns = example.adminGet("cards/${cut.msisdn}").obj.getValue("apns").jsonArray
            assertEquals("false", apns[0].obj.getValue("active").jsonPrimitive.content)
            ops.enableData(CardRef(msisdn = fresh { it.getValue("apns").jsonArray.size == 1 }.msisdn), null, null)

            // Several APNs: the platform needs the name (a refusal starts no cooldown).
            val multi = fresh { it.getValue("apns").jsonArray.size > 1 }
            val e = assertThrows<CardBossException.Api> { runBlocking { ops.disableData(CardRef(msisdn = multi.msisdn)) } }
            assertEquals("1031", e.info().code)
            ops.disableData(CardRef(msisdn = multi.msisdn), "CMIOT")

            // Voice whitelist: add, and remove (its own one-minute window per card).
            val wl = fresh()
            ops.addVoiceWhitelist(CardRef(msisdn = wl.msisdn), listOf("13800138000", "13900139000"), "g1")
            val list = example.adminGet("cards/${wl.msisdn}").obj.getValue("whitelist").jsonArray.map { it.jsonPrimitive.content }
            assertEquals(listOf("13800138000", "13900139000"), list)
            ops.removeVoiceWhitelist(CardRef(msisdn = fresh().msisdn), listOf("13800138000"))
        }
        val ledger = example.adminGet("ledger").jsonArray.map { it.str("endpoint") }.toSet()
        for (endpoint in listOf("card/stoptest", "card/foractive", "card/stopkeep", "card/switchnet", "card/setvoicewhitetable")) {
            assertTrue(endpoint in ledger, "$endpoint reached the sandbox")
        }
    }

    @Test
    fun sms() = runBlocking<Unit> {
        val targets = cards.take(3).map { it.msisdn }
        val plain = client.sendIotSms(targets, "reboot now")
        assertEquals(3L, plain.count)
        assertTrue(plain.taskid.isNotEmpty())
        assertEquals(listOf(plain.taskid), plain.taskids)

        val encrypted = client.sendIotSmsEncrypted(listOf(cards[3].iccid), "重启 reboot")
        assertEquals(1L, encrypted.count)

        val template = client.sendTemplateSms(listOf("13800138000"), "1002", listOf("123456"))
        assertEquals(1L, template.count)
        assertTrue(template.fee >= 1)

        val reports = client.smsReports()
        val tasks = reports.map { it.taskid }.toSet()
        assertTrue(plain.taskid in tasks && encrypted.taskid in tasks && template.taskid in tasks)
        assertTrue(client.smsReports().none { it.taskid == plain.taskid }, "reports are drained once fetched")

        example.adminPost("sms/upstream", """{"mobile": "${cards[5].msisdn}", "content": "hello from the device"}""")
        val replies = client.smsReplies()
        assertTrue(replies.any { it.content == "hello from the device" && it.mobile == cards[5].msisdn })

        // More than 1000 numbers go out as several requests, merged.
        val many = (0 until 1001).map { cards[it % 100].msisdn }
        val merged = client.sendIotSms(many, "x")
        assertEquals(1001L, merged.count)
        assertEquals(2, merged.taskids.size)
    }

    @Test
    fun userAgentNamesKotlinAndConfigHidesTheApikey() {
        val config = example.config()
        assertFalse(config.toString().contains(example.apikey), config.toString())
        assertTrue(config.toString().contains("<redacted>"))
        assertTrue(sdkVersion().isNotEmpty())
        assertEquals("success", PUSH_ACK)
        client.clearCooldowns()
    }
}
