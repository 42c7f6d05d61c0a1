package cardboss.testing

import cardboss.CardBossException
import cardboss.CardRef
import cardboss.CardSet
import cardboss.PUSH_ACK
import cardboss.core.PushOptions
import cardboss.renewalResult
import cardboss.verifyPush
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** `cardboss.testing.Sandbox`: the sandbox inside the JVM, its admin API, strict mode. */
class SandboxTest {
    private fun json(text: String): JsonElement = Json.parseToJsonElement(text)
    private fun JsonElement.str(key: String) = jsonObject.getValue(key).jsonPrimitive.content

    /** A push receiver on a free loopback port; `next()` waits for the next body. */
    private class Receiver : AutoCloseable {
        private val bodies = LinkedBlockingQueue<ByteArray>()
        private val server: HttpServer = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/push") { exchange ->
                bodies.add(exchange.requestBody.readAllBytes())
                val ack = PUSH_ACK.toByteArray()
                exchange.sendResponseHeaders(200, ack.size.toLong())
                exchange.responseBody.use { it.write(ack) }
            }
            start()
        }
        val url = "http://127.0.0.1:${server.address.port}/push"
        fun next(): ByteArray = bodies.poll(20, TimeUnit.SECONDS) ?: fail("no push arrived")
        override fun close() = server.stop(0)
    }

    @Test
    fun startsOnFreePortsAndHandsOutClients() = runBlocking<Unit> {
        val sb = Sandbox.start(cards = 7, strict = true)
        sb.use {
            assertTrue(sb.baseUrl.startsWith("http://127.0.0.1:"), sb.baseUrl)
            sb.client().use { client -> assertEquals(7L, client.customer().cardqty) }
            assertEquals(1L, json(sb.stats()).jsonObject.getValue("total").jsonPrimitive.long)
            assertFalse(sb.toString().contains(sb.apikey))
        }
        assertTrue(sb.isClosed)
        sb.close() // idempotent
    }

    @Test
    fun clockAdvanceEndsACooldown() = runBlocking<Unit> {
        Sandbox.start(cards = 5, strict = true).use { sb ->
            val client = sb.client()
            val card = CardRef(msisdn = client.listCards(1).cards[0].msisdn)
            client.suspend(card)
            // refused locally by the SDK's guard, and by the sandbox itself without the guard
            assertThrows<CardBossException.Cooldown> { client.resume(card) }
            val unguarded = sb.client { it.copy(cooldownGuard = false) }
            val refused = assertThrows<CardBossException.RateLimited> { unguarded.resume(card) }
            assertEquals("13009", refused.info().carrierCode)
            assertEquals(181L, json(sb.advanceClock(181)).jsonObject.getValue("offset_secs").jsonPrimitive.long)
            unguarded.resume(card)
            assertEquals(2L, client.cardDetails(CardSet(msisdns = listOf(card.msisdn!!)))[0].msstatus)
            val applied = json(sb.ledger()).jsonArray.filter { e ->
                e.jsonObject.getValue("applied").jsonPrimitive.boolean &&
                    e.jsonObject.getValue("cards").jsonArray.any { it.jsonPrimitive.content == card.msisdn }
            }
            assertEquals(2, applied.size)
        }
    }

    @Test
    fun faultsOnAndOff() = runBlocking<Unit> {
        Sandbox.start(cards = 5, strict = true).use { sb ->
            val client = sb.client { it.copy(maxRetries = 0) }
            assertEquals("http500", json(sb.setFaults(1.0, listOf("http500"))).jsonObject.getValue("kinds").jsonArray[0].jsonPrimitive.content)
            val e = assertThrows<CardBossException.Http> { client.customer() }
            assertEquals(500, e.info().httpStatus)
            sb.setFaults(0.0)
            assertEquals(5L, client.customer().cardqty)
        }
    }

    @Test
    fun approvingAndRejectingOrdersPushesTheirResults() = runBlocking<Unit> {
        Receiver().use { receiver ->
            Sandbox.start(cards = 20, strict = true).use { sb ->
                sb.setPushUrl(receiver.url)
                val client = sb.client()
                val orders = client.listCards(1).cards.mapNotNull { c ->
                    val card = CardRef(msisdn = c.msisdn)
                    client.packages(card).pkgs.firstOrNull { it.mainpkg }?.let { pkg ->
                        val months = when (pkg.pkgcategory) { 1L -> 12; 2L -> pkg.buycycle.toInt(); else -> 1 }
                        card to Pair(pkg.pkgcode, months)
                    }
                }.take(2).map { (card, p) -> client.renew(card, p.first, p.second) }
                assertEquals(2, orders.size)
                val (approved, rejected) = orders
                val options = PushOptions(expectedSid = sb.sid, maxAgeMs = 300_000)

                assertEquals("confirmed", json(sb.approveOrder(approved.orderid)).str("status"))
                var result = verifyPush(receiver.next(), sb.apikey, options).content.renewalResult!!
                assertEquals(approved.orderid, result.orderid)
                assertEquals(1L, result.status)

                assertEquals("rejected", json(sb.rejectOrder(rejected.orderid)).str("status"))
                result = verifyPush(receiver.next(), sb.apikey, options).content.renewalResult!!
                assertEquals(rejected.orderid, result.orderid)
                assertEquals(0L, result.status)

                assertTrue((json(sb.ledger()) as JsonArray).any { it.str("action") == "renew.rejected" })
                assertThrows<CardBossException.InvalidInput> { sb.approveOrder(rejected.orderid) }
            }
        }
    }

    @Test
    fun sendWarningPushesAnOd1010() = runBlocking<Unit> {
        Receiver().use { receiver ->
            Sandbox.start(cards = 3, strict = true).use { sb ->
                sb.setPushUrl(receiver.url)
                val msisdn = sb.client().listCards(1).cards[0].msisdn
                assertTrue(json(sb.sendWarning(msisdn, 31)).jsonObject.getValue("pushed").jsonPrimitive.boolean)
                assertEquals("OD1010", verifyPush(receiver.next(), sb.apikey, PushOptions(maxAgeMs = 300_000)).sn)
            }
        }
    }

    @Test
    fun badConfigurationsAndAdminCallsAreRefused() = runBlocking<Unit> {
        assertThrows<CardBossException.InvalidInput> { Sandbox.start(apikey = "short") }
        assertThrows<CardBossException.InvalidInput> { Sandbox.start(faults = 1.5) }
        assertThrows<CardBossException.InvalidInput> { Sandbox.start(style = "nope") }
        assertThrows<CardBossException.InvalidInput> { Sandbox.start(cards = -1) }
        Sandbox.start(cards = 2).use { sb ->
            assertThrows<CardBossException.InvalidInput> { sb.approveOrder("nope") }
            assertThrows<CardBossException.InvalidInput> { sb.setFaults(0.5, listOf("nope")) }
            assertThrows<CardBossException.InvalidInput> { sb.card("0") }
        }
    }
}
