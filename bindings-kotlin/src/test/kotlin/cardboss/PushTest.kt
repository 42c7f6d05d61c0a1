package cardboss

import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
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
import org.junit.jupiter.api.fail
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
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

    private val strict get() = PushOptions(expectedSid = sandbox.sid, maxAgeMs = 600_000)

    @Test
    fun renewalResultPushIsVerifiedAndForgeriesAreRefused() = runBlocking<Unit> {
        val card = client.listCards(1).cards[7]
        val pkg = client.packages(CardRef(msisdn = card.msisdn)).pkgs.first { it.mainpkg }
        val months = when (pkg.pkgcategory) { 1L -> 12; 2L -> pkg.buycycle.toInt(); else -> 1 }
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
        assertEquals("PUSH_REJECTED", e.info().code)
        // Signed with another key, or for another account.
        assertThrows<CardBossException.PushRejected> { verifyPush(body, "0".repeat(32)) }
        assertThrows<CardBossException.PushRejected> {
            verifyPush(body, sandbox.apikey, PushOptions(expectedSid = "99999"))
        }
        // Not JSON at all.
        assertThrows<CardBossException.PushRejected> { verifyPush("hello", sandbox.apikey) }

        // Two phases: while the first delivery is being handled a duplicate is PushInFlight
        // (answer non-success, the platform retries); once committed it is PushReplay.
        PushGuard().use { guard ->
            val ticket = guard.begin(body, sandbox.apikey, strict)
            assertEquals(push.id, ticket.push().id)
            val inFlight = assertThrows<CardBossException.PushInFlight> { guard.begin(text, sandbox.apikey, strict) }
            assertEquals("PUSH_IN_FLIGHT", inFlight.info().code)
            assertEquals(push.id, ticket.commit().id)
            assertFalse(ticket.isOpen()) // used up: a second commit is refused
            assertEquals(push.id, ticket.push().id) // its push stays readable
            assertThrows<CardBossException.InvalidInput> { ticket.commit() }
            val replay = assertThrows<CardBossException.PushReplay> { guard.begin(text, sandbox.apikey, strict) }
            assertEquals("PUSH_REPLAY", replay.info().code)
            // A forgery is refused before any claim: the genuine id stays a replay.
            assertThrows<CardBossException.PushRejected> { guard.begin(forged, sandbox.apikey, strict) }
        }

        // A handler that fails releases the id: the platform's retry of the same body is
        // accepted, once.
        PushGuard().use { guard ->
            val boom = IllegalStateException("hand-off failed")
            val thrown = assertThrows<IllegalStateException> {
                guard.handle(body, sandbox.apikey, strict) { throw boom }
            }
            assertTrue(thrown === boom, "the handler's exception is rethrown unchanged")
            // A handler cancelled mid-way releases the id as well.
            val started = CompletableDeferred<Unit>()
            val cancelled = launch { guard.handle(body, sandbox.apikey, strict) { started.complete(Unit); awaitCancellation() } }
            started.await()
            cancelled.cancelAndJoin()
            var runs = 0
            assertEquals(order.orderid, guard.handle(text, sandbox.apikey, strict) { runs++; it.content.renewalResult!!.orderid })
            assertThrows<CardBossException.PushReplay> { guard.handle(body, sandbox.apikey, strict) { runs++ } }
            assertEquals(1, runs)
            // Released by begin/release by hand too.
            val other = PushGuard()
            other.begin(body, sandbox.apikey, strict).release()
            other.begin(body, sandbox.apikey, strict).commit()
            assertThrows<CardBossException.PushReplay> { other.begin(body, sandbox.apikey, strict) }
            other.close()
        }

        // A small guard forgets the oldest ids first (signed vectors with distinct ids).
        val vectors = readJson("tests/vectors/push_sign.json").jsonArray.map { it.jsonObject }
        PushGuard(PushGuardOptions(capacity = 2, ttlMs = 60_000)).use { small ->
            val (a, b, c) = vectors.take(3).map { it.getValue("body").jsonPrimitive.content to it.getValue("apikey").jsonPrimitive.content }
            small.begin(a.first, a.second).commit()
            assertThrows<CardBossException.PushReplay> { small.begin(a.first, a.second) }
            small.begin(b.first, b.second).commit()
            small.begin(c.first, c.second).commit() // forgets a
            small.begin(a.first, a.second).commit()
        }
        assertThrows<CardBossException.InvalidInput> { PushGuard(PushGuardOptions(capacity = 0)) }
        assertThrows<CardBossException.InvalidInput> { PushGuard(PushGuardOptions(store = "ftp://nowhere")) }
        assertNull(PushOptions().utcOffsetMinutes) // the core resolves it: UTC+8
    }

    /** [receive]: the guard's refusals come back as the core's replies (the handler not run);
     *  a handler that throws or is cancelled releases the id, its exception rethrown unchanged. */
    @Test
    fun receiveAnswersWhatTheCoreDecides() = runBlocking<Unit> {
        val body = RedisGuardTest.pushBody("r-" + System.nanoTime())
        val key = RedisGuardTest.KEY
        PushGuard().use { guard ->
            var runs = 0
            val boom = IllegalStateException("hand-off failed")
            val thrown = assertThrows<IllegalStateException> { guard.receive(body, key) { runs++; throw boom } }
            assertTrue(thrown === boom, "the handler's exception is rethrown unchanged")
            val started = CompletableDeferred<Unit>()
            val cancelled = launch { guard.receive(body, key) { runs++; started.complete(Unit); awaitCancellation() } }
            started.await()
            cancelled.cancelAndJoin()
            // Both released the id: the platform's retry is handled.
            val ticket = guard.begin(body, key)
            val inFlight = guard.receive(body, key) { runs++ }
            assertEquals(409, inFlight.status)
            assertFalse(inFlight.acknowledged)
            assertEquals(500, ticket.finish(false).status) // not handled: released
            assertFalse(ticket.isOpen())
            assertEquals(500, ticket.finish(true).status) // used up: its commit is refused
            ticket.close()

            val handled = guard.receive(body, key) { runs++; assertEquals("OD1002", it.sn) }
            assertEquals(PushReply(200, PUSH_ACK, null), handled)
            assertTrue(handled.acknowledged)
            assertEquals(pushReplyAck(), handled)
            assertEquals(3, runs)
            // The platform missed the answer and sends it again: acknowledged, not handled again.
            val replay = guard.receive(body, key) { runs++ }
            assertEquals(200, replay.status)
            assertEquals(PUSH_ACK, replay.body)
            assertTrue(replay.acknowledged)
            assertTrue(replay.reason!!.isNotBlank())
            assertEquals(3, runs)

            val forged = guard.receive(body.replace("NR1", "NR2"), key) { runs++ }
            assertEquals(400, forged.status)
            assertFalse(forged.reason!!.contains(key))
            assertEquals(400, guard.receive(body, "0".repeat(32)) { runs++ }.status)
            assertEquals(3, runs)
        }
        PushGuard(PushGuardOptions(store = "redis://127.0.0.1:1/0")).use { down ->
            var ran = false
            val reply = down.receive(body, key) { ran = true }
            assertEquals(503, reply.status)
            assertFalse(ran, "the handler ran with the store down")
        }
        // The core's table, as a binding sees it: from the exception's info.
        val e = assertThrows<CardBossException.PushRejected> { verifyPush("hello", key) }
        assertEquals(400, pushReplyFor(e.info()).status)

        // SMS pushes: parsed (a bad body answered 400), handled, acknowledged.
        assertEquals(400, receiveSmsPush("""{"type":"P0003","data":"[]"}""".toByteArray()) { fail("handled a bad SMS push") }.status)
        var replies = 0
        val sms = """{"type":"P0002","data":"[{\"mobile\":\"1064\",\"content\":\"hi\",\"apmid\":\"a1\",\"spcode\":\"1064899\"}]"}"""
        assertEquals(pushReplyAck(), receiveSmsPush(sms.toByteArray()) { replies += it.replies!!.size })
        assertEquals(1, replies)
        val smsBoom = IllegalStateException("sms store down")
        assertTrue(smsBoom === assertThrows<IllegalStateException> { receiveSmsPush(sms.toByteArray()) { throw smsBoom } })
    }

    @Test
    fun usageWarningPush() = runBlocking<Unit> {
        val card = client.listCards(1).cards.first { it.state == 1L }
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
        val card = client.listCards(1).cards[3]
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
