package cardboss

import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/** `client.fleetSync(...)` against the sandbox under injected faults (issue 14), mirroring
 *  sandbox/tests/fleet_sync.rs: a 10,000-card sync at 20% faults delivers every card exactly
 *  once in list order, and a crashed sync resumes from its checkpoint (union = fleet, no card
 *  twice). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetSyncTest {
    private lateinit var sandbox: Sandbox
    private lateinit var fleet: List<String>

    @BeforeAll
    fun start() = runBlocking<Unit> {
        sandbox = Sandbox(10_000, "example", "--seed", "7")
        fleet = sandbox.client().use { c -> c.cardFlow().toList().map { it.msisdn } }
    }

    @AfterAll
    fun stop() = sandbox.close()

    private fun faults(rate: Double) {
        val body = """{"rate": $rate, "kinds": [], "delay_secs": 1.0}"""
        val set = sandbox.adminPost("faults", body)
        assertEquals(rate, set.jsonObject.getValue("rate").jsonPrimitive.content.toDouble(), set.toString())
    }

    /** A `delay` fault answers after 1 s; the client gives up at 0.7 s. */
    private fun faultyClient() = CardBossClient(sandbox.config(timeoutMs = 700L))

    @Test
    fun `10,000 cards at 20 percent faults arrive exactly once in list order`() = runBlocking {
        faults(0.2)
        try {
            faultyClient().use { c ->
                val sync = c.fleetSync(FleetSyncOptions())
                val got = sync.asFlow().toList().flatten().map { it.msisdn }
                val report = sync.report()
                println("fleetSync of 10,000 cards at 20% faults: $report")
                assertTrue(report.finished && report.complete, report.toString())
                assertEquals(emptyList<MissingCard>(), report.missingCards)
                assertEquals(emptyList<MissingPage>(), report.missingPages)
                assertEquals(10_000L, report.cards)
                assertEquals(fleet, got)
            }
        } finally {
            faults(0.0)
        }
    }

    @Test
    fun `a crashed sync resumes from its checkpoint without repeating a card`() = runBlocking {
        faults(0.2)
        try {
            faultyClient().use { c ->
                val first = c.fleetSync(FleetSyncOptions(usage = false))
                val got = first.asFlow().take(7).toList().flatten().toMutableList()
                val checkpoint = first.checkpoint()
                first.close() // the crash
                assertEquals(700, got.size)
                assertTrue(checkpoint.length < 200, checkpoint)
                val second = c.fleetSync(FleetSyncOptions(usage = false, checkpoint = checkpoint))
                second.asFlow().collect { got += it }
                val report = second.report()
                assertTrue(report.complete, report.toString())
                assertEquals(10_000L - 700, report.cards)
                val ids = got.map { it.msisdn }
                assertEquals(ids.size, ids.toSet().size, "no card twice")
                assertEquals(fleet, ids, "union = fleet")
                assertTrue(got.all { it.detailFound && !it.usageFound && it.mno != null })
            }
        } finally {
            faults(0.0)
        }
    }

    @Test
    fun `bad options throw before anything is sent`() {
        sandbox.client().use { c ->
            assertThrows<CardBossException.InvalidInput> { c.fleetSync(FleetSyncOptions(checkpoint = "not json")) }
            assertThrows<CardBossException.InvalidInput> { c.fleetSync(FleetSyncOptions(historyMonth = "199901")) }
        }
    }
}
