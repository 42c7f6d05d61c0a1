package cardboss

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonArray
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.net.ServerSocket

/** How failures map onto the sealed CardBossException hierarchy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorsTest {
    private lateinit var sandbox: Sandbox
    private lateinit var cards: List<Card>

    @BeforeAll
    fun start() = runBlocking<Unit> {
        sandbox = Sandbox(cards = 120)
        sandbox.client().use { cards = it.listCards(1).cards }
    }

    @AfterAll
    fun stop() = sandbox.close()

    private inline fun <reified E : CardBossException> fails(crossinline call: suspend () -> Unit): E =
        assertThrows<E> { runBlocking { call() } }

    @Test
    fun invalidInputIsFoundBeforeSending() = runBlocking<Unit> {
        val ledgerBefore = sandbox.adminGet("ledger").jsonArray.size
        val bad = assertThrows<CardBossException.InvalidInput> { CardBossClient(sandbox.config(apikey = "short")) }
        assertEquals("INVALID_INPUT", bad.info().code)
        assertEquals("apikey", bad.info().field)
        assertFalse(bad.toString().contains("short"), "the apikey is never shown")

        sandbox.client().use { client ->
            val noCard = fails<CardBossException.InvalidInput> { client.packages(CardRef()) }
            assertEquals("card", noCard.info().field)
            assertEquals("INVALID_INPUT", noCard.info().code)
            assertTrue(noCard.info().msg.isNotEmpty())
            assertEquals("", noCard.info().detail)

            val letters = fails<CardBossException.InvalidInput> { client.suspend(CardRef(msisdn = "abc")) }
            assertEquals("msisdn", letters.info().field)
            fails<CardBossException.InvalidInput> { client.cardDetails(CardSet()) }
            fails<CardBossException.InvalidInput> { client.listCards(0) }
            fails<CardBossException.InvalidInput> { client.usageHistory("2019-01", CardSet(msisdns = listOf(cards[0].msisdn))) }
            fails<CardBossException.InvalidInput> { client.sendIotSms(listOf(cards[0].msisdn), "x".repeat(351)) }
            fails<CardBossException.InvalidInput> { client.addVoiceWhitelist(CardRef(msisdn = cards[0].msisdn), (1..6).map { "1380013800$it" }) }
            fails<CardBossException.InvalidInput> { client.enableData(CardRef(msisdn = cards[0].msisdn), null, 101) }
            fails<CardBossException.InvalidInput> { client.renew(CardRef(msisdn = cards[0].msisdn), "", 1) }
            assertThrows<CardBossException.InvalidInput> { decryptSms(sandbox.apikey, "%%%") }
        }
        // Nothing of the above reached the sandbox.
        assertEquals(ledgerBefore, sandbox.adminGet("ledger").jsonArray.size)
    }

    @Test
    fun wrongApikeyIsAnAuthFailure() = runBlocking<Unit> {
        CardBossClient(sandbox.config(apikey = "x".repeat(32))).use { client ->
            val e = fails<CardBossException.Auth> { client.customer() }
            assertEquals("1005", e.info().code)
            assertEquals("customer/get", e.info().endpoint)
            assertEquals(200, e.info().httpStatus)
            assertFalse(e.toString().contains("x".repeat(32)))
            assertFalse(e.message!!.contains("x".repeat(32)))
            // What a stack trace or a logger prints: the core's sentence, not a field dump.
            assertEquals(e.info().message, e.message)
            assertTrue(e.message!!.contains("1005"), e.message)
            assertFalse(e.message!!.contains("ErrorInfo("), e.message)
        }
    }

    @Test
    fun cooldownGuardAndCarrierRefusal() = runBlocking<Unit> {
        val card = CardRef(msisdn = cards[30].msisdn)
        sandbox.client().use { guarded ->
            guarded.suspend(card)
            // The client remembers the operation: a repeat within 3 minutes is refused locally.
            val local = fails<CardBossException.Cooldown> { guarded.suspend(card) }
            assertEquals("COOLDOWN", local.info().code)
            assertEquals(cards[30].msisdn, local.info().detail)
            assertTrue(local.info().retryAfterMs!! in 1_000L..180_000L)
            // The subclass's `info` is the base class's `info()`: the same record, whatever the kind.
            assertEquals(local.info, (local as CardBossException).info())
            assertEquals(ErrorKind.COOLDOWN, local.info.kind)
            assertEquals("card/stopkeep", local.info.endpoint)
            guarded.clearCooldowns()
            // Without the local memory the carrier refuses it: 1099 with 13009 inside detail.
            val remote = fails<CardBossException.RateLimited> { guarded.resume(card) }
            assertEquals("1099", remote.info().code)
            assertEquals("13009", remote.info().carrierCode)
            assertTrue(remote.info().detail.contains("13009"), remote.info().detail)
            assertEquals(180_000L, remote.info().retryAfterMs)
            // Every field on every kind: a rate limit keeps its HTTP status and endpoint too.
            assertEquals(200, remote.info.httpStatus)
            assertEquals("card/stopkeep", remote.info.endpoint)
            assertFalse(remote.info.outcomeUnknown)
            assertTrue(remote.info.message.contains("1099"), remote.info.message)
        }
        sandbox.client(cooldownGuard = false).use { unguarded ->
            val remote = fails<CardBossException.RateLimited> { unguarded.suspend(card) }
            assertEquals("1099", (remote as CardBossException).info().code)
            assertEquals("card/stopkeep", remote.info().endpoint)
        }
    }

    @Test
    fun carrierShapedErrors() = runBlocking<Unit> {
        // setvoicewhitetable answers {status, message} in the carrier's shape: one removal a month.
        val card = CardRef(msisdn = cards[40].msisdn)
        sandbox.client(cooldownGuard = false).use { client ->
            client.removeVoiceWhitelist(card, listOf("13800138000"))
            // Within a minute: 13010, a rate limit.
            val soon = fails<CardBossException.RateLimited> { client.removeVoiceWhitelist(card, listOf("13900139000")) }
            assertEquals("13010", soon.info.code)
            sandbox.adminPost("clock/advance", """{"seconds": 61}""")
            val monthly = fails<CardBossException.Api> { client.removeVoiceWhitelist(card, listOf("13900139000")) }
            assertEquals("12144", monthly.info.code)
            assertEquals("12144", monthly.info.carrierCode)
            assertTrue(monthly.info.msg.isNotEmpty() || monthly.info.detail.isNotEmpty())
            assertEquals("card/setvoicewhitetable", monthly.info.endpoint)
            // Six numbers would pass no check locally; five plus the carrier's own list is 19019.
            val full = CardRef(msisdn = cards[41].msisdn)
            client.addVoiceWhitelist(full, (1..5).map { "1380013800$it" })
            sandbox.adminPost("clock/advance", """{"seconds": 61}""")
            val over = fails<CardBossException.Api> { client.addVoiceWhitelist(full, listOf("13900139000")) }
            assertEquals("19019", over.info.code)
        }
    }

    @Test
    fun platformRefusalsKeepCodeMsgDetail() = runBlocking<Unit> {
        sandbox.client().use { client ->
            val e = fails<CardBossException.Api> { client.renew(CardRef(msisdn = cards[50].msisdn), "nosuchpkg", 12) }
            assertEquals("1031", e.info.code)
            assertTrue(e.info.detail.contains("nosuchpkg"), e.info.detail)
            assertTrue(e.info.msg.isNotEmpty())
            assertNotNull(e.info.result, "a failed renewal still carries its result object")
            val base: CardBossException = e
            assertEquals("1031", base.info().code)
            assertEquals(e.info().msg, base.info().msg)
            assertEquals(e.info().detail, base.info().detail)
            assertEquals("card/pkg/renew", base.info().endpoint)
            assertTrue(base.message!!.contains("1031"))
        }
    }

    @Test
    fun transportFailures() = runBlocking<Unit> {
        val port = ServerSocket(0).use { it.localPort } // closed again: nothing listens there
        val config = ClientOptions(
            sid = sandbox.sid, apikey = sandbox.apikey, baseUrl = "http://127.0.0.1:$port",
            maxRetries = 0, connectTimeoutMs = 2000L, timeoutMs = 3000L,
        )
        CardBossClient(config).use { client ->
            val e = fails<CardBossException.Transport> { client.customer() }
            assertEquals("TRANSPORT", e.info().code)
            assertFalse(e.info().outcomeUnknown, "a GET that never connected changed nothing")
        }
    }

    @Test
    fun serverFaults() = runBlocking<Unit> {
        Sandbox(cards = 10).use { faulty ->
            faulty.adminPost("faults", """{"rate": 1.0, "kinds": ["http502"]}""")
            CardBossClient(faulty.config(maxRetries = 0)).use { client ->
                val e = fails<CardBossException.Http> { client.customer() }
                assertEquals("HTTP", e.info().code)
                assertEquals(502, e.info().httpStatus)
                // A POST that failed after being sent may have been applied.
                faulty.adminPost("faults", """{"rate": 1.0, "kinds": ["truncated"], "stage": "after"}""")
                val d = fails<CardBossException.Decode> { client.sendIotSms(listOf("1064000000001"), "x") }
                assertTrue(d.info.outcomeUnknown)
                faulty.adminPost("faults", """{"rate": 1.0, "kinds": ["code1090"]}""")
                val internal = fails<CardBossException.Api> { client.customer() }
                assertEquals("1090", internal.info.code)
            }
            // No answer within the timeout.
            faulty.adminPost("faults", """{"rate": 1.0, "kinds": ["delay"], "delay_secs": 3}""")
            CardBossClient(faulty.config(maxRetries = 0, timeoutMs = 500L)).use { client ->
                val t = fails<CardBossException.Timeout> { client.customer() }
                assertEquals("TIMEOUT", t.info.code)
                assertEquals("customer/get", t.info.endpoint)
            }
            faulty.adminPost("faults", """{"rate": 0.0}""")
            CardBossClient(faulty.config()).use { client ->
                assertEquals(faulty.sid, client.customer().sid)
            }
        }
    }
}
