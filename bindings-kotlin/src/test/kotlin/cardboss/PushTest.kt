package cardboss

import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** Pushes sent by the sandbox to a receiver in this test, verified with the SDK; forged ones refused. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: CardBossClient
    private lateinit var server: HttpServer
    private val dataPushes = LinkedBlockingQueue<ByteArray>()
    private val smsPushes = LinkedBlockingQueue<ByteArray>()

    @BeforeAll
    fun start() {
        server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        fun receive(path: String, into: LinkedBlockingQueue<ByteArray>) = server.createContext(path) { exchange ->
            into.add(exchange.requestBody.readAllBytes())
            val ack = PUSH_ACK.toByteArray()
            exchange.sendResponseHeaders(200, ack.size.toLong())
            exchange.responseBody.use { it.write(ack) }
        }
        receive("/push", dataPushes)
        receive("/sms", smsPushes)
        server.start()
        val at = "http://127.0.0.1:${server.address.port}"
        sandbox = Sandbox(cards = 100, style = "example", "--push-url", "$at/push", "--sms-push-url", "$at/sms")
        sandbox.adminPost("config", """{"balance": 100000}""")
        client = sandbox.client()
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
        server.stop(0)
    }

    private fun next(queue: LinkedBlockingQueue<ByteArray>, what: String): ByteArray =
        queue.poll(20, TimeUnit.SECONDS) ?: fail("no $what push arrived")

    private val strict get() = pushOptions(expectedSid = sandbox.sid, maxAgeSecs = 600uL)

    @Test
    fun renewalResultPushIsVerifiedAndForgeriesAreRefused() = runBlocking<Unit> {
        val card = client.listCards(1u).cards[7]
        val pkg = client.packages(CardRef(msisdn = card.msisdn)).pkgs.first { it.mainpkg }
        val months = when (pkg.pkgcategory) { 1L -> 12u; 2L -> pkg.buycycle.toUInt(); else -> 1u }
        val order = client.renew(CardRef(msisdn = card.msisdn), pkg.pkgcode, months)
        dataPushes.clear()
        sandbox.adminPost("orders/${order.orderid}/approve")
        val body = next(dataPushes, "OD1002")

        val push = verifyPush(body, sandbox.apikey, strict)
        assertEquals("OD1002", push.sn)
        // The variant classes are reachable through cardboss.core, or through the accessors.
        val content = push.content
        assertTrue(content is cardboss.core.PushContent.RenewalResult, content.toString())
        val result = push.content.renewalResult!!
        assertEquals(order.orderid, result.orderid)
        assertEquals(card.msisdn, result.msisdn)

        val text = String(body, Charsets.UTF_8)
        // Forged: the order id changed after signing.
        val forged = text.replace(order.orderid, order.orderid + "0")
        assertTrue(forged != text)
        val e = assertThrows<CardBossException.PushRejected> { verifyPush(forged, sandbox.apikey, strict) }
        assertEquals("PUSH_REJECTED", e.code)
        // Signed with another key, or for another account.
        assertThrows<CardBossException.PushRejected> { verifyPush(body, "0".repeat(32)) }
        assertThrows<CardBossException.PushRejected> {
            verifyPush(body, sandbox.apikey, pushOptions(expectedSid = "99999"))
        }
        // Not JSON at all.
        assertThrows<CardBossException.PushRejected> { verifyPush("hello", sandbox.apikey) }

        // A replay of a genuine push is refused by the guard.
        val guard = PushGuard()
        guard.verify(body, sandbox.apikey, strict)
        val replay = assertThrows<CardBossException.PushRejected> { guard.verify(text, sandbox.apikey, strict) }
        assertTrue(replay.reason.contains("replay"), replay.reason)
        guard.close()

        // A small guard forgets the oldest ids first.
        PushGuard.withLimits(2uL, 60uL).use { small ->
            small.checkId("a")
            assertThrows<CardBossException.PushRejected> { small.checkId("a") }
            small.checkId("b")
            small.checkId("c") // forgets "a"
            small.checkId("a")
        }
        assertEquals(null, defaultPushOptions().utcOffsetMinutes) // the core resolves it: UTC+8
    }

    @Test
    fun usageWarningPush() = runBlocking<Unit> {
        val card = client.listCards(1u).cards.first { it.state == 1L }
        dataPushes.clear()
        sandbox.adminPost("cards/${card.msisdn}/usage", """{"flowusage": 99999999999}""")
        val deadline = System.nanoTime() + 20_000_000_000
        var warnings: List<UsageWarning>? = null
        while (warnings == null && System.nanoTime() < deadline) {
            val body = dataPushes.poll(1, TimeUnit.SECONDS) ?: continue
            val push = verifyPush(body, sandbox.apikey, strict)
            warnings = push.content.usageWarnings
        }
        assertNotNull(warnings, "no OD1010 push arrived")
        assertTrue(warnings!!.isNotEmpty())
        assertTrue(warnings.all { it.msisdn == card.msisdn || it.iccid == card.iccid })
    }

    @Test
    fun smsReportPush() = runBlocking<Unit> {
        val card = client.listCards(1u).cards[3]
        smsPushes.clear()
        val receipt = client.sendIotSms(listOf(card.msisdn), "status?")
        val deadline = System.nanoTime() + 20_000_000_000
        var report: SmsReport? = null
        while (report == null && System.nanoTime() < deadline) {
            val body = smsPushes.poll(1, TimeUnit.SECONDS) ?: continue
            report = parseSmsPush(body).reports?.firstOrNull { it.taskid == receipt.taskid }
        }
        assertNotNull(report, "no P0001 push for ${receipt.taskid}")
        assertEquals(card.msisdn, report!!.mobile)
        assertThrows<CardBossException.PushRejected> { parseSmsPush("""{"type":"P0003","data":"[]"}""") }
    }
}
