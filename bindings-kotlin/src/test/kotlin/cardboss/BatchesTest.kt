package cardboss

import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail
import kotlin.random.Random

/** Bulk results batch by batch (`cardDetailBatches`, `currentUsageBatches`,
 *  `usageHistoryBatches`, their `asFlow()` and the client's `…Flow` functions) against the
 *  sandbox, counting the requests it received. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchesTest {
    private lateinit var sandbox: Sandbox
    private lateinit var client: CardBossClient
    private lateinit var cards: List<Card>

    /** 2,000 cards (20 batches), for a client fetching one batch at a time. */
    private lateinit var fleet: Sandbox
    private lateinit var fleetIds: List<String>

    @BeforeAll
    fun start() = runBlocking<Unit> {
        sandbox = Sandbox(cards = 250)
        client = sandbox.client()
        cards = client.cardFlow().toList()
        fleet = Sandbox(cards = 2000)
        fleetIds = fleet.client().use { c -> c.cardFlow().toList().map { it.msisdn } }
    }

    @AfterAll
    fun stop() {
        client.close()
        sandbox.close()
        fleet.close()
    }

    private fun requests(s: Sandbox, endpoint: String): Long =
        s.adminGet("stats").jsonObject["endpoints"]?.jsonObject?.get(endpoint)?.jsonPrimitive?.longOrNull ?: 0

    private fun total(s: Sandbox): Long = s.adminGet("stats").jsonObject.getValue("total").jsonPrimitive.longOrNull ?: 0

    /** Every batch left, then checks that the end stays the end. */
    private suspend fun <T> drain(next: suspend () -> List<T>?): List<List<T>> {
        val batches = mutableListOf<List<T>>()
        while (true) batches += next() ?: break
        assertNull(next(), "null after the last batch")
        assertNull(next(), "and null again")
        return batches
    }

    /** A client of `fleet` that has one request in flight at a time and never retries. */
    private fun serialFleetClient() = CardBossClient(fleet.config().copy(concurrency = 1, maxRetries = 0))

    @Test
    fun batchSizesAndInputOrder() = runBlocking<Unit> {
        // Shuffled, so that input order is not the sandbox's own order.
        val shuffled = cards.shuffled(Random(7))
        val msisdns = shuffled.map { it.msisdn }
        val iccids = shuffled.map { it.iccid }
        val month = timestamp().substring(0, 6)
        val before = sandbox.adminGet("stats")

        val details = client.cardDetailBatches(CardSet(msisdns = msisdns)).use { b -> drain { b.nextBatch() } }
        assertEquals(listOf(100, 100, 50), details.map { it.size })
        assertEquals(msisdns, details.flatten().map { it.msisdn })
        assertEquals(iccids, details.flatten().map { it.iccid })

        val usage = client.currentUsageBatches(CardSet(iccids = iccids)).use { b -> drain { b.nextBatch() } }
        assertEquals(listOf(100, 100, 50), usage.map { it.size })
        assertEquals(msisdns, usage.flatten().map { it.msisdn })

        val history = client.usageHistoryBatches(month, CardSet(msisdns = msisdns)).use { b -> drain { b.nextBatch() } }
        assertEquals(listOf(100, 100, 50), history.map { it.size })
        assertEquals(msisdns, history.flatten().map { it.msisdn })
        assertTrue(history.flatten().all { it.month == month })
        val withDays = client.usageHistoryBatches(month, CardSet(iccids = iccids.take(120)), "1").use { b -> drain { b.nextBatch() } }
        assertEquals(listOf(100, 20), withDays.map { it.size })
        assertEquals(iccids.take(120), withDays.flatten().map { it.iccid })

        // One request per batch, no more.
        val after = sandbox.adminGet("stats")
        fun sent(endpoint: String) = (after.jsonObject["endpoints"]?.jsonObject?.get(endpoint)?.jsonPrimitive?.longOrNull ?: 0) -
            (before.jsonObject["endpoints"]?.jsonObject?.get(endpoint)?.jsonPrimitive?.longOrNull ?: 0)
        assertEquals(3L, sent("card/detail"))
        assertEquals(3L, sent("card/usage/current"))
        assertEquals(5L, sent("card/usage/past"))

        // The same as the collected calls.
        assertEquals(client.cardDetails(CardSet(msisdns = msisdns)), details.flatten())
    }

    @Test
    fun flowsCollectEveryBatch() = runBlocking<Unit> {
        val msisdns = cards.map { it.msisdn }.reversed()
        val set = CardSet(msisdns = msisdns)
        val month = timestamp().substring(0, 6)

        val details = client.cardDetailFlow(set).toList()
        assertEquals(listOf(100, 100, 50), details.map { it.size })
        assertEquals(msisdns, details.flatten().map { it.msisdn })
        // Cold: a second collection fetches again.
        val before = requests(sandbox, "card/detail")
        assertEquals(details.flatten().map { it.msisdn }, client.cardDetailFlow(set).toList().flatten().map { it.msisdn })
        assertEquals(before + 3, requests(sandbox, "card/detail"))

        assertEquals(msisdns, client.currentUsageFlow(set).toList().flatten().map { it.msisdn })
        assertEquals(msisdns, client.usageHistoryFlow(month, set).toList().flatten().map { it.msisdn })
        assertEquals(msisdns.take(7), client.usageHistoryFlow(month, CardSet(msisdns = msisdns.take(7)), "1").toList().flatten().map { it.msisdn })

        // asFlow() closes the object at the end: it cannot be used again.
        val batches = client.currentUsageBatches(set)
        assertEquals(250, batches.asFlow().toList().sumOf { it.size })
        assertThrows<IllegalStateException> { runBlocking { batches.nextBatch() } }
    }

    @Test
    fun invalidCardThrowsWithNothingSent() = runBlocking<Unit> {
        // The malformed card is in the second batch: the first is not sent either.
        val msisdns = cards.map { it.msisdn }.toMutableList().also { it[180] = "1064x" }
        val iccids = cards.map { it.iccid }.toMutableList().also { it[240] = "" }
        val month = timestamp().substring(0, 6)
        val before = total(sandbox)

        val e = assertThrows<CardBossException.InvalidInput> { client.cardDetailBatches(CardSet(msisdns = msisdns)) }
        assertEquals("INVALID_INPUT", e.info().code)
        assertEquals("msisdns", e.info().field)
        assertTrue(e.info().msg.contains("1064x"), e.info().msg)
        assertEquals("iccids", assertThrows<CardBossException.InvalidInput> { client.currentUsageBatches(CardSet(iccids = iccids)) }.info.field)
        assertThrows<CardBossException.InvalidInput> { client.usageHistoryBatches(month, CardSet(msisdns = msisdns)) }
        assertThrows<CardBossException.InvalidInput> { client.cardDetailBatches(CardSet()) }
        // The month is checked at once too.
        assertThrows<CardBossException.InvalidInput> { client.usageHistoryBatches("2019-01", CardSet(msisdns = msisdns.take(3))) }
        // A flow throws when collected.
        val flow = client.cardDetailFlow(CardSet(msisdns = msisdns))
        assertThrows<CardBossException.InvalidInput> { runBlocking { flow.toList() } }

        delay(200)
        assertEquals(before, total(sandbox), "nothing reached the sandbox")
    }

    @Test
    fun closeStopsTheFetching() = runBlocking<Unit> {
        val set = CardSet(msisdns = fleetIds)
        // Control: read to the end, one request per batch.
        serialFleetClient().use { c ->
            val start = requests(fleet, "card/detail")
            val all = c.cardDetailBatches(set).use { b -> drain { b.nextBatch() } }
            assertEquals(20, all.size)
            assertEquals(fleetIds, all.flatten().map { it.msisdn })
            assertEquals(start + 20, requests(fleet, "card/detail"))
        }

        // Every answer now takes 300 ms; the client has 4 requests in flight at a time, and at
        // most 4 finished batches wait unread.
        fleet.adminPost("faults", """{"rate": 1.0, "kinds": ["delay"], "delay_secs": 0.3}""")
        try {
            CardBossClient(fleet.config().copy(concurrency = 4)).use { c ->
                // Left open and unread: 4 requests, then 4 more when their answers fill the 4
                // places for unread batches, then it waits.
                var start = requests(fleet, "card/detail")
                val open = c.cardDetailBatches(set)
                delay(1000)
                val ahead = requests(fleet, "card/detail") - start
                assertTrue(ahead in 6..12, "$ahead requests ahead for a batch object left open")
                open.close()

                // Closed at once: the 4 requests in flight are abandoned and no more are sent.
                start = requests(fleet, "card/detail")
                c.cardDetailBatches(set).close()
                delay(1000)
                val closed = requests(fleet, "card/detail") - start
                assertTrue(closed <= 4, "$closed requests for a batch object closed at once")

                // A flow cancelled while it waits for its first batch closes its object too.
                start = requests(fleet, "card/usage/current")
                val collecting = launch { c.currentUsageFlow(set).collect { fail("no batch is ready within 100 ms") } }
                delay(100)
                collecting.cancelAndJoin()
                delay(1000)
                val cancelled = requests(fleet, "card/usage/current") - start
                assertTrue(cancelled in 1..4, "$cancelled requests for a flow cancelled before its first batch")
                println("batches: $ahead requests ahead when left open, $closed when closed at once, $cancelled when its flow was cancelled")
            }
        } finally {
            fleet.adminPost("faults", """{"rate": 0.0}""")
        }
    }

    @Test
    fun aFailedBatchIsTheLast() = runBlocking<Unit> {
        val set = CardSet(msisdns = fleetIds)
        serialFleetClient().use { c ->
            c.cardDetailBatches(set).use { batches ->
                assertEquals(100, batches.nextBatch()!!.size)
                fleet.adminPost("faults", """{"rate": 1.0, "kinds": ["http500"]}""")
                try {
                    var read = 1
                    val failure = assertThrows<CardBossException> {
                        runBlocking { while (batches.nextBatch() != null) read++ }
                    }
                    // Only what was fetched ahead before the faults came through.
                    assertTrue(read in 1..3, "$read batches read before the failure")
                    val endpoint = failure.info().endpoint ?: ""
                    assertTrue(endpoint.startsWith("card/detail") && endpoint.contains("of 20"), endpoint)
                    assertNull(batches.nextBatch(), "nothing after a failed batch")
                } finally {
                    fleet.adminPost("faults", """{"rate": 0.0}""")
                }
            }
        }
    }
}
