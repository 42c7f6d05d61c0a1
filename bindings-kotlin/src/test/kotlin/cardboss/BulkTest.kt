package cardboss

import cardboss.testing.Sandbox
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** `client.bulk(…)`, `client.bulkFlow(…)` and `client.bulkRun(…)` against the in-process sandbox
 *  (strict), mirroring sandbox/tests/bulk.rs: suspend then resume across the cooldown window, dry
 *  runs and `checkState`, bad input before any request, a flow with each card once, and
 *  cancellation that leaves a valid journal. The sandbox's ledger says what was applied. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkTest {
    private lateinit var sb: Sandbox
    private lateinit var client: CardBossClient
    /** Suspendable cards, handed out to one test each. */
    private lateinit var free: ArrayDeque<String>

    @TempDir
    lateinit var dir: File

    @BeforeAll
    fun start() = runBlocking {
        sb = Sandbox.start(cards = 300, strict = true)
        client = quickClient(sb)
        free = ArrayDeque(normalCards(client, 150))
    }

    @AfterAll
    fun stop() {
        client.close()
        sb.close()
    }

    private fun take(n: Int): List<String> = List(n) { free.removeFirst() }

    @Test
    fun `suspend then resume after the window`() = runBlocking<Unit> {
        val cards = take(6)
        val set = CardSet(msisdns = cards)
        val suspended = client.bulk("suspend", set)
        assertEquals(6L, suspended.done, suspended.toString())
        assertEquals("suspend", suspended.op)
        assertEquals(cards.toSet(), suspended.outcomes.map { it.card }.toSet())
        assertTrue(suspended.outcomes.all { it.status == OutcomeStatus.DONE && it.attempts == 1L })

        // The client remembers the windows: without waiting, nothing is sent.
        val before = sb.total()
        val early = client.bulk("resume", set, BulkSettings(waitCooldowns = false))
        assertEquals(6L, early.notAttempted)
        assertTrue(early.outcomes[0].note!!.contains("cooling down"), early.outcomes[0].toString())
        assertEquals(before, sb.total())

        // After the window (the sandbox's clock), the resumes go through, once each.
        sb.advanceClock(181)
        client.clearCooldowns()
        val resumed = client.bulk("resume", set)
        assertEquals(6L, resumed.done, resumed.toString())
        val suspends = sb.applied("0")
        val resumes = sb.applied("1")
        for (m in cards) {
            assertEquals(1, suspends[m], m)
            assertEquals(1, resumes[m], m)
            assertEquals(2L, sb.msstatus(m))
        }
    }

    @Test
    fun `a dry run sends nothing and checkState skips`() = runBlocking<Unit> {
        val cards = take(10)
        client.suspend(CardRef(msisdn = cards[0]))
        var before = sb.total()
        val dry = client.bulk("suspend", CardSet(msisdns = cards), BulkSettings(dryRun = true))
        assertEquals(10L, dry.notAttempted)
        assertTrue(dry.outcomes.all { it.note!!.startsWith("dry run") }, dry.toString())
        assertEquals(0L, dry.requests)
        assertEquals(before, sb.total())

        before = sb.total()
        val report = client.bulk("suspend", CardSet(msisdns = cards), BulkSettings(checkState = true))
        val outcomes = byCard(report.outcomes)
        assertEquals(OutcomeStatus.SKIPPED, outcomes.getValue(cards[0]).status)
        assertEquals(3L, outcomes.getValue(cards[0]).observedMsstatus)
        assertEquals(1L, report.skipped)
        assertEquals(9L, report.done)
        // One read of the ten cards, nine suspends: exactly what the sandbox answered.
        assertEquals(10L, report.requests)
        assertEquals(before + 10, sb.total())
        assertEquals(1, sb.applied("0")[cards[0]])
    }

    @Test
    fun `bad input throws before any request`() = runBlocking<Unit> {
        val m = take(1).single()
        val one = CardSet(msisdns = listOf(m))
        val notes = File(dir, "notes.txt").apply { writeText("my notes\n") }
        val before = sb.total()
        val cases = listOf(
            Triple("suspend", CardSet(msisdns = listOf(m, m)), BulkSettings()) to "cards",
            Triple("suspend", CardSet(msisdns = listOf("12ab")), BulkSettings()) to "msisdns",
            Triple("suspend", CardSet(), BulkSettings()) to null,
            Triple("reboot", one, BulkSettings()) to "op",
            Triple("suspend", one, BulkSettings(pkgcode = "P1")) to "pkgcode",
            Triple("renew", one, BulkSettings(pkgcode = "P1", months = 0)) to "months",
            Triple("renew", one, BulkSettings(pkgcode = "P1", months = 12, startdate = "2024-13-01")) to null,
            Triple("enable_data", one, BulkSettings(minLeftPercent = 101)) to null,
            Triple("suspend", one, BulkSettings(concurrency = 0)) to "concurrency",
            Triple("suspend", one, BulkSettings(deadlineMs = -1)) to "deadline_ms",
            Triple("suspend", one, BulkSettings(journal = notes.path)) to "journal",
        )
        for ((case, field) in cases) {
            val (op, set, settings) = case
            val e = assertThrows<CardBossException.InvalidInput>("$op $set $settings") { client.bulk(op, set, settings) }
            assertEquals("INVALID_INPUT", e.info().code)
            if (field != null) assertEquals(field, e.info().field, e.info().message)
        }
        // The same from the other forms: at once, and from the flow's collection.
        assertThrows<CardBossException.InvalidInput> { client.bulkRun("suspend", CardSet(msisdns = listOf("12ab")), BulkSettings()) }
        val flow = client.bulkFlow("suspend", one, BulkSettings(months = 1))
        assertThrows<CardBossException.InvalidInput> { runBlocking { flow.toList() } }
        // A file that is not a journal is never written to.
        assertEquals("my notes\n", notes.readText())
        assertEquals(before, sb.total(), "nothing reached the sandbox")
    }

    @Test
    fun `the flow yields each card once`() = runBlocking<Unit> {
        val cards = take(40)
        val outcomes = client.bulkFlow("suspend", CardSet(msisdns = cards), BulkSettings(concurrency = 4)).toList()
        assertEquals(cards.toSet(), byCard(outcomes).keys)
        assertTrue(outcomes.all { it.status == OutcomeStatus.DONE }, outcomes.toString())

        // asFlow() leaves the run open: its report has the same outcomes.
        val more = take(10)
        client.bulkRun("suspend", CardSet(msisdns = more), BulkSettings()).use { run ->
            val seen = run.asFlow().toList()
            val report = run.report()
            assertEquals(10L, report.done)
            assertEquals(seen, report.outcomes)
            assertEquals(null, run.next(), "the end stays the end")
        }
        val applied = sb.applied("0")
        for (m in cards + more) assertEquals(1, applied[m], m)
    }

    /** Five fresh cards, and five in their cooldown window (resumed just now, which the client
     *  remembers): suspended with a journal, the fresh ones go at once and the others wait. */
    private suspend fun halfCoolingDown(): Pair<List<String>, List<String>> {
        val fresh = take(5)
        val cooling = take(5)
        assertEquals(5L, client.bulk("suspend", CardSet(msisdns = cooling)).done)
        sb.advanceClock(181)
        client.clearCooldowns()
        assertEquals(5L, client.bulk("resume", CardSet(msisdns = cooling)).done)
        return fresh to cooling
    }

    @Test
    fun `a cancelled collection stops the run and releases its journal`() = runBlocking<Unit> {
        val (fresh, cooling) = halfCoolingDown()
        val journal = File(dir, "take.jsonl")
        val settings = BulkSettings(journal = journal.path, concurrency = 1)
        val set = CardSet(msisdns = fresh + cooling)
        // The fresh cards go at once, the cooling ones wait 3 minutes: the flow stops after five.
        val first = client.bulkFlow("suspend", set, settings).take(5).toList()
        assertEquals(fresh.toSet(), first.map { it.card }.toSet())
        // Stopped: nothing sent for the waiting cards, and the journal is free for the next run.
        val before = sb.total()
        val rerun = client.bulk("suspend", set, settings.copy(waitCooldowns = false))
        assertEquals(5L, rerun.fromJournal, rerun.toString())
        assertEquals(5L, rerun.notAttempted)
        assertEquals(before, sb.total())
        val suspends = sb.applied("0")
        for (m in fresh + cooling) assertEquals(1, suspends[m], m)
    }

    @Test
    fun `cancelling the coroutine cancels the run`() = runBlocking<Unit> {
        val (fresh, cooling) = halfCoolingDown()
        val journal = File(dir, "cancel.jsonl")
        val settings = BulkSettings(journal = journal.path, concurrency = 1)
        val set = CardSet(msisdns = fresh + cooling)
        var ended: Throwable? = null
        val job = launch {
            try {
                client.bulk("suspend", set, settings)
                org.junit.jupiter.api.fail("the run waits for the windows")
            } catch (e: CancellationException) {
                ended = e
                throw e
            }
        }
        // Cancelled while it waits for the cooling cards' windows.
        waitUntil("the fresh cards' outcomes in the journal") { journalOutcomes(journal) >= 5 }
        job.cancelAndJoin()
        assertTrue(ended is CancellationException)
        // bulk() returned only after the run ended: no intent without its outcome, lock released.
        val lines = journal.readLines()
        for (line in lines.filter { it.contains("\"kind\":\"intent\"") }) {
            val card = line.substringAfter("\"card\":\"").substringBefore('"')
            assertTrue(lines.any { it.contains("\"kind\":\"outcome\"") && it.contains(card) }, "$card has no outcome:\n$lines")
        }
        val before = sb.total()
        val rerun = client.bulk("suspend", set, settings.copy(waitCooldowns = false))
        assertEquals(5L, rerun.fromJournal, rerun.toString())
        assertEquals(5L, rerun.notAttempted)
        assertEquals(before, sb.total())
        val suspends = sb.applied("0")
        for (m in fresh + cooling) assertEquals(1, suspends[m], m)
        // And through the run object: cancel() answers at once, finish() has the rest not attempted.
        client.bulkRun("suspend", CardSet(msisdns = cooling), BulkSettings()).use { run ->
            run.cancel()
            val report = run.finish()
            assertEquals("cancelled", report.stopped)
            assertEquals(5L, report.notAttempted)
        }
        assertEquals(before, sb.total())
    }
}
