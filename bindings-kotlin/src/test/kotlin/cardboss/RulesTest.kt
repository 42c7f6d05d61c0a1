package cardboss

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.time.LocalDate
import java.time.format.DateTimeFormatter

/**
 * The core's value rules as Kotlin passes them (issue 20): template variables from a list or a
 * numbered map, the audit mode sent as the spec's code, the month / day windows. Each check reads
 * what the sandbox received (the SMS it rendered, the order it recorded) or that it received
 * nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RulesTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: CardBossClient
    private lateinit var cards: List<Card>

    private val filled = "尊敬的xx客户，您的物联网卡用量即将到期，请及时处理。"

    @BeforeAll
    fun start() = runBlocking<Unit> {
        sandbox = Sandbox(cards = 120)
        client = sandbox.client()
        cards = client.cardFlow().take(100).toList()
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
    }

    private fun total(): Int = sandbox.adminGet("stats").obj.getValue("total").jsonPrimitive.int

    private fun lastTemplateText(): String =
        sandbox.adminGet("ledger").jsonArray.map { it.obj }.last { it.str("endpoint") == "sms/sendsms" }
            .getValue("details").str("text")

    private fun today(): LocalDate = LocalDate.parse(sandbox.adminGet("clock").str("now").substring(0, 10))

    private fun monthBack(back: Long): String =
        today().withDayOfMonth(1).minusMonths(back).format(DateTimeFormatter.ofPattern("yyyyMM"))

    private fun dayBack(back: Long): String = today().minusDays(back).format(DateTimeFormatter.BASIC_ISO_DATE)

    private inline fun invalid(field: String, crossinline call: suspend () -> Unit) {
        val e = assertThrows<CardBossException.InvalidInput> { runBlocking { call() } }
        assertEquals(field, e.info.field)
    }

    @Test
    fun templateVariablesFromAListOrANumberedMap() = runBlocking<Unit> {
        val phone = listOf("13800000001")
        assertEquals(1L, client.sendTemplateSms(phone, "1001", listOf("xx客户", "用量即将到期")).count)
        assertEquals(filled, lastTemplateText())
        client.sendTemplateSms(phone, "1001", mapOf(2 to "用量即将到期", 1 to "xx客户"))
        assertEquals(filled, lastTemplateText())

        val before = total()
        for (bad in listOf(0, -1)) invalid("params") { client.sendTemplateSms(phone, "1001", mapOf(bad to "a")) }
        invalid("params") { client.sendTemplateSms(phone, "1001", listOf("a|b")) }
        assertEquals(before, total(), "nothing was sent")
    }

    @Test
    fun auditIsSentAsTheSpecCode() = runBlocking<Unit> {
        var next = 0
        for ((audit, code) in listOf(Audit.AUTOMATIC to 2, Audit.MANUAL to 1)) {
            var card: Card
            var pkg: Package?
            do {
                card = cards[next++]
                pkg = client.packages(CardRef(msisdn = card.msisdn)).pkgs.firstOrNull { it.pkgcode.isNotEmpty() }
            } while (pkg == null)
            val months = maxOf(pkg.buycycle, 12L).toInt()
            val order = client.renew(CardRef(msisdn = card.msisdn), pkg.pkgcode, months, RenewOptions(repetition = true, audit = audit))
            val recorded = sandbox.adminGet("orders").jsonArray.map { it.jsonObject }.filter { it.str("orderid") == order.orderid }
            assertEquals(listOf(code), recorded.map { it.getValue("audit").jsonPrimitive.int }, "$audit")
        }
    }

    @Test
    fun monthsAndDaysOutsideTheWindowAreRefusedBeforeSending() = runBlocking<Unit> {
        val one = CardSet(msisdns = listOf(cards[0].msisdn))
        for (back in listOf(0L, 2L)) {
            val month = monthBack(back)
            assertEquals(month, client.usageHistory(month, one).single().month)
        }
        val before = total()
        for (back in listOf(-1L, -12L, 3L, 12L)) invalid("month") { client.usageHistory(monthBack(back), one) }
        for (back in listOf(-1L, 7L, 30L)) invalid("day") { client.dailyUsage(dayBack(back), one) }
        assertEquals(before, total(), "nothing was sent")
    }
}
