package cardboss

import cardboss.testing.Sandbox
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.nio.file.Paths
import java.util.concurrent.TimeUnit

/**
 * The bulk fault suite (issue 15): a 1,000-card bulk suspend at 20% faults in a child JVM that is
 * killed (SIGKILL) in the middle, repeated here with the same journal, then a resume after the
 * cooldown window, also under faults. The sandbox's ledger must show no card suspended (or
 * resumed) twice, and every card with a final outcome that the card's state confirms, or an
 * unknown with the state it was read back in. Mirrors sandbox/tests/bulk.rs.
 */
class BulkFaultTest {
    companion object {
        /** Every kind but the delay, as sandbox/tests/bulk.rs: the others settle the operation
         *  (applied or not) before the answer, so the card's state afterwards is the truth. */
        val KINDS = listOf("http500", "http502", "reset", "truncated", "code1090")
    }

    @TempDir
    lateinit var dir: File

    /** Starts [BulkCrashChild] on this JVM's own java and classpath, against [sb]. */
    private fun child(sb: Sandbox, journal: File, cards: File, log: File): Process {
        val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
        val command = listOfNotNull(
            java,
            "-cp", System.getProperty("java.class.path"),
            System.getProperty("jna.library.path")?.let { "-Djna.library.path=$it" },
            BulkCrashChild::class.java.name,
            journal.path,
            cards.path,
        )
        return ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).apply {
            environment().putAll(
                mapOf(
                    "CARDBOSS_SID" to sb.sid,
                    "CARDBOSS_APIKEY" to sb.apikey,
                    "CARDBOSS_URL" to sb.baseUrl,
                    "CARDBOSS_OPS_URL" to sb.opsUrl,
                    "RUST_BACKTRACE" to "0",
                ),
            )
        }.start()
    }

    /** Every card settled once, none applied twice, and each outcome as its state shows. */
    private suspend fun checkLedger(sb: Sandbox, report: BulkReport, cards: List<String>, stopkeep: String, target: Long) {
        val outcomes = byCard(report.outcomes)
        assertEquals(cards.toSet(), outcomes.keys)
        assertEquals(cards.size.toLong(), report.done + report.unknown + report.refused + report.skipped + report.notAttempted)
        val applied = sb.applied(stopkeep)
        for (m in cards) {
            assertTrue((applied[m] ?: 0) <= 1, "$m: stopkeep $stopkeep applied ${applied[m]} times")
            val o = outcomes.getValue(m)
            val state = sb.msstatus(m)
            when (o.status) {
                OutcomeStatus.DONE -> assertEquals(target, state, "$m reported done: $o")
                OutcomeStatus.UNKNOWN -> {
                    assertNotEquals(target, state, "$m applied but left unknown: $o")
                    assertEquals(state, o.observedMsstatus, o.toString())
                    assertTrue(o.note!!.contains("check before repeating"), o.toString())
                }
                else -> fail("$m: $o")
            }
        }
    }

    @Test
    fun `1,000 cards at 20 percent faults, a killed bulk suspend is repeated from its journal`() = runBlocking<Unit> {
        Sandbox.start(cards = 1500, seed = 7, strict = true).use { sb ->
            quickClient(sb).use { client ->
                val cards = normalCards(client, 1000)
                val list = File(dir, "cards.txt").apply { writeText(cards.joinToString("\n")) }
                val journal = File(dir, "suspend.jsonl")
                val log = File(dir, "child.log")
                sb.setFaults(0.2, KINDS)

                // The crash: SIGKILL once the child's journal holds some outcomes.
                val process = child(sb, journal, list, log)
                try {
                    waitUntil("outcomes in the child's journal") { journalOutcomes(journal) >= 100 || !process.isAlive }
                    process.destroyForcibly()
                    assertTrue(process.waitFor(30, TimeUnit.SECONDS))
                } finally {
                    process.destroyForcibly()
                }
                val atKill = journalOutcomes(journal)
                assertEquals(137, process.exitValue(), "the child was killed, not finished:\n${log.readText()}")
                assertTrue(atKill in 100 until 1000, "$atKill outcomes at the kill")

                // Repeated here (a new process: none of the child's cooldown memory).
                val suspended = client.bulk("suspend", CardSet(msisdns = cards), BulkSettings(journal = journal.path))
                sb.setFaults(0.0)
                println("bulk suspend after a crash at $atKill outcomes: " + suspended.copy(outcomes = emptyList()))
                assertTrue(suspended.fromJournal in 1L..999L, suspended.copy(outcomes = emptyList()).toString())
                checkLedger(sb, suspended, cards, "0", 3)
                assertTrue(suspended.done > 500L, suspended.copy(outcomes = emptyList()).toString())

                // After the window, the suspended cards are resumed, under faults too.
                sb.advanceClock(181)
                client.clearCooldowns()
                val toResume = cards.filter { sb.msstatus(it) == 3L }
                sb.setFaults(0.2, KINDS)
                val resumed = client.bulk("resume", CardSet(msisdns = toResume))
                sb.setFaults(0.0)
                println("bulk resume of ${toResume.size} cards: " + resumed.copy(outcomes = emptyList()))
                checkLedger(sb, resumed, toResume, "1", 2)
                assertTrue(resumed.done > toResume.size.toLong() / 2L, resumed.copy(outcomes = emptyList()).toString())
            }
        }
    }
}
