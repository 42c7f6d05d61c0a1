package cardboss

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withPermit
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.longOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Reliability of the Kotlin binding under injected faults (issue 9), mirroring
 * sandbox/tests/reliability.rs: every fault kind at 20% (HTTP 500, 502 HTML, resets, answers
 * delayed past the client timeout, truncated JSON, code 1090).
 *
 * - a fleet sync of 10,000 cards returns every card exactly once or throws a CardBossException
 *   naming what could not be fetched, never a short result;
 * - 1,000 POST operations are never applied twice (POST requests received == SDK calls), and
 *   every failed one whose operation took effect says `outcomeUnknown`;
 * - no call outlives timeout × attempts + backoff caps (+ slack).
 *
 * Figures are printed to stdout (surefire: target/surefire-reports/cardboss.ReliabilityTest-output.txt).
 */
class ReliabilityTest {
    companion object {
        const val FAULT_RATE = 0.2
        /** How late a `delay` fault answers; the client gives up a little before. */
        const val DELAY_SECS = 1.0
        const val TIMEOUT_MS = 700L
        const val RETRY_BASE_MS = 20L
        const val RETRY_CAP_MS = 200L
        /** Room for a loaded machine (JNA + a debug sandbox) on top of the computed bound. */
        const val SLACK_MS = 3_000L
        val ALL_KINDS = listOf("http500", "http502", "reset", "delay", "truncated", "code1090")
    }

    private fun client(s: Sandbox, maxRetries: Int): CardBossClient = CardBossClient(
        ClientOptions(
            sid = s.sid,
            apikey = s.apikey,
            baseUrl = s.baseUrl,
            opsUrl = s.opsUrl,
            timeoutMs = TIMEOUT_MS.toLong(),
            maxRetries = maxRetries,
            concurrency = 8,
            cooldownGuard = false,
            retryBaseMs = RETRY_BASE_MS.toLong(),
            retryCapMs = RETRY_CAP_MS.toLong(),
        ),
    )

    /** The longest one request may take: every attempt timing out, plus the longest backoff
     *  (full jitter never exceeds `min(cap, base · 2^(n-1))`) between attempts. */
    private fun callBoundMs(maxRetries: Int): Long {
        val attempts = maxRetries + 1
        val backoff = (1 until attempts).sumOf { n -> minOf(RETRY_CAP_MS, RETRY_BASE_MS shl minOf(n - 1, 16)) }
        return TIMEOUT_MS * attempts + backoff
    }

    private fun faults(s: Sandbox, rate: Double, kinds: List<String> = ALL_KINDS) {
        val body = """{"rate": $rate, "kinds": [${kinds.joinToString { "\"$it\"" }}], "delay_secs": $DELAY_SECS, "stage": null}"""
        val set = s.adminPost("faults", body)
        assertEquals(rate, set.obj.getValue("rate").jsonPrimitive.content.toDouble(), set.toString())
    }

    private fun stats(s: Sandbox): JsonObject = s.adminGet("stats").obj
    private fun total(s: Sandbox): Long = stats(s).getValue("total").jsonPrimitive.longOrNull ?: 0
    private fun requests(stats: JsonObject, endpoint: String): Long =
        stats["endpoints"]?.jsonObject?.get(endpoint)?.jsonPrimitive?.longOrNull ?: 0

    /** The errors a fault can cause (on a GET or a POST). */
    private fun isFaultError(e: CardBossException): Boolean = when (e) {
        is CardBossException.Timeout, is CardBossException.Transport, is CardBossException.Http, is CardBossException.Decode -> true
        is CardBossException.Api -> e.info().code == "1090"
        else -> false
    }

    private fun kindOf(e: CardBossException): String = e::class.simpleName + "(" + e.info().code + ")"

    private fun nowMs() = System.nanoTime() / 1_000_000

    // ------------------------------------------------------------------------------ (a) fleet sync

    private class SyncFigures(val completed: Boolean, val unitsOk: Long, val failedAt: String?)

    /** cards pager + cardDetails + currentUsage of the whole fleet: every card exactly once, in
     *  order, or an exception naming what could not be fetched. Never a short result. */
    private suspend fun sync(c: CardBossClient, fleet: List<String>, maxRetries: Int): SyncFigures {
        val known = fleet.toHashSet()
        val pages = (fleet.size + 99) / 100
        val listed = mutableListOf<Card>()
        val started = nowMs()
        c.cards().use { pager ->
            try {
                while (true) {
                    val page = pager.nextPage() ?: break
                    listed += page
                }
            } catch (e: CardBossException) {
                assertTrue(isFaultError(e), "a fault-caused error: $e")
                val endpoint = e.info().endpoint ?: ""
                assertTrue(
                    endpoint == "card/list" || endpoint.startsWith("card/list (page "),
                    "the error names the listing and its page: $endpoint / $e",
                )
                assertTrue(listed.size < fleet.size && listed.size % 100 == 0, "whole pages before the error: ${listed.size}")
                return SyncFigures(false, listed.size / 100L, "card/list after ${listed.size} cards: $e")
            }
        }
        val listedIn = nowMs() - started
        val msisdns = listed.map { it.msisdn }
        assertEquals(fleet.size, msisdns.size, "every card listed (never a short listing)")
        assertEquals(fleet.size, msisdns.toHashSet().size, "no card listed twice")
        assertEquals(fleet, msisdns, "the fleet, in page order")
        assertTrue(listedIn <= callBoundMs(maxRetries) * pages + SLACK_MS, "listing took $listedIn ms")
        var units = pages.toLong()

        val set = CardSet(msisdns = msisdns)
        fun batchFailure(e: CardBossException): SyncFigures {
            assertTrue(isFaultError(e), "a fault-caused error: $e")
            val endpoint = e.info().endpoint ?: ""
            val named = Regex("""\(batch (\d+) of (\d+), from card (\w+)\)""").find(endpoint)
            assertTrue(named != null && named.groupValues[3] in known, "the error names the batch and its first card: $endpoint / $e")
            assertTrue(e.toString().contains("(batch "), "the message names the batch too: $e")
            return SyncFigures(false, units, e.toString())
        }
        try {
            val details = c.cardDetails(set)
            assertEquals(fleet.size, details.size, "one detail per card (never short)")
            assertEquals(msisdns, details.map { it.msisdn }, "details in input order, each card once")
            units += pages
        } catch (e: CardBossException) {
            return batchFailure(e)
        }
        try {
            val usage = c.currentUsage(set)
            assertEquals(fleet.size, usage.size, "one usage per card (never short)")
            assertEquals(msisdns, usage.map { it.msisdn }, "usage in input order, each card once")
            units += pages
        } catch (e: CardBossException) {
            return batchFailure(e)
        }
        return SyncFigures(true, units, null)
    }

    @Test
    fun fleetSyncOf10000CardsIsCompleteOrFailsLoudly() = runBlocking<Unit> {
        val cards = 10_000
        Sandbox(cards, "example", "--seed", "7").use { s ->
            // The fleet as the sandbox holds it, listed once without faults.
            val fleet = client(s, 3).use { c -> c.cardFlow().let { f -> buildList { f.collect { add(it.msisdn) } } } }
            assertEquals(cards, fleet.size)
            faults(s, FAULT_RATE)
            var completed = 0
            var failed = 0
            // Generous retries (nearly always complete) and none (nearly always a
            // loud failure): each outcome must be whole or loud.
            for (maxRetries in listOf(8, 0)) {
                val before = total(s)
                val started = nowMs()
                val f = client(s, maxRetries).use { c -> sync(c, fleet, maxRetries) }
                val elapsed = (nowMs() - started) / 1000.0
                val sent = total(s) - before
                if (f.completed) {
                    completed++
                    println(
                        "fleet sync (maxRetries $maxRetries): complete, $cards cards exactly once in cards/details/usage; " +
                            "$sent GET requests for ${f.unitsOk} pages+batches, ${sent - f.unitsOk} faulted attempts retried, " +
                            "%.1f s".format(elapsed),
                    )
                } else {
                    failed++
                    println(
                        "fleet sync (maxRetries $maxRetries): failed loudly after $sent GET requests " +
                            "(${f.unitsOk} pages+batches fetched), %.1f s: ${f.failedAt}".format(elapsed),
                    )
                }
            }
            println("fleet syncs: $completed complete, $failed failed with a named error, 0 short")
        }
    }

    // ------------------------------------------------------------------------- (b) POST operations

    private sealed class OpKind(val endpoint: String) {
        class Renew(val audit: Audit, val pkgcode: String, val months: Int) : OpKind("card/pkg/renew")
        object Sms : OpKind("sms/sendlotsms")
        object Suspend : OpKind("card/stopkeep")
        object Resume : OpKind("card/stopkeep")
    }

    private class Op(val n: Int, val card: String, val kind: OpKind) {
        val smsText get() = "reliability op $n"
        val remark get() = "op-$n"

        suspend fun run(c: CardBossClient) {
            val ref = CardRef(msisdn = card)
            when (kind) {
                is OpKind.Renew -> c.renew(ref, kind.pkgcode, kind.months, RenewOptions(repetition = true, audit = kind.audit, remark = remark))
                OpKind.Sms -> c.sendIotSms(listOf(card), smsText)
                OpKind.Suspend -> c.suspend(ref)
                OpKind.Resume -> c.resume(ref)
            }
        }

        /** Whether a ledger entry records this operation taking effect. */
        fun isAppliedIn(e: JsonObject): Boolean {
            if (e["applied"]?.jsonPrimitive?.booleanOrNull != true || e.s("endpoint") != kind.endpoint) return false
            val details = e["details"] as? JsonObject
            val first = (e["cards"] as? kotlinx.serialization.json.JsonArray)?.firstOrNull()?.jsonPrimitive?.contentOrNull
            return when (kind) {
                is OpKind.Renew -> e.s("action") == "renew.order" && details?.s("remark") == remark
                OpKind.Sms -> e.s("action") == "sms.send" && details?.s("content") == smsText
                OpKind.Suspend -> e.s("action") == "stop" && first == card
                OpKind.Resume -> e.s("action") == "resume" && first == card
            }
        }

        override fun toString() = "op $n ${kind::class.simpleName} on $card"
    }

    private class Outcome(val op: Op, val error: CardBossException?, val elapsedMs: Long)

    @Test
    fun postsAreNeverAppliedTwiceAndFailuresSayIfUnknown() = runBlocking<Unit> {
        val rounds = 10
        val renewals = 40
        val sms = 30
        val stopkeep = 30
        Sandbox(2_000, "example", "--seed", "11").use { s ->
            s.adminPost("config", """{"balance": 100000000}""")
            val c = client(s, 3)
            // Cards in normal service, each used by one kind of operation only; a renewal renews a
            // package the card owns, for a term every package category accepts.
            val all = buildList { c.cardFlow().collect { add(it.msisdn) } }
            val normal = c.cardDetails(CardSet(msisdns = all)).filter { it.msstatus == 2L }.map { it.msisdn }
            val renewCards = mutableListOf<Triple<String, String, Int>>()
            val pool = normal.iterator()
            while (renewCards.size < renewals * rounds && pool.hasNext()) {
                val card = pool.next()
                val pkg = c.packages(CardRef(msisdn = card)).pkgs.firstOrNull() ?: continue
                renewCards += Triple(card, pkg.pkgcode, (12 * pkg.buycycle).toInt())
            }
            val rest = pool.asSequence().toList()
            assertEquals(renewals * rounds, renewCards.size, "enough renewable cards")
            assertTrue(rest.size >= sms * rounds + stopkeep * rounds / 2, "enough cards in service: ${rest.size}")
            val smsCards = rest.subList(0, sms * rounds)
            val stopCards = rest.subList(sms * rounds, sms * rounds + stopkeep * rounds / 2)

            val before = stats(s)
            faults(s, FAULT_RATE)
            val outcomes = mutableListOf<Outcome>()
            val inFlight = Semaphore(8)
            var n = 0
            for (round in 0 until rounds) {
                val ops = mutableListOf<Op>()
                renewCards.subList(round * renewals, (round + 1) * renewals).forEachIndexed { i, (card, pkgcode, months) ->
                    ops += Op(++n, card, OpKind.Renew(if (i % 2 == 0) Audit.AUTOMATIC else Audit.MANUAL, pkgcode, months))
                }
                for (card in smsCards.subList(round * sms, (round + 1) * sms)) ops += Op(++n, card, OpKind.Sms)
                // Even rounds suspend a group of cards, odd rounds resume the same group.
                for (card in stopCards.subList((round / 2) * stopkeep, (round / 2 + 1) * stopkeep)) {
                    ops += Op(++n, card, if (round % 2 == 0) OpKind.Suspend else OpKind.Resume)
                }
                outcomes += ops.map { op ->
                    async {
                        inFlight.withPermit {
                            val started = nowMs()
                            val error = try {
                                op.run(c)
                                null
                            } catch (e: CardBossException) {
                                e
                            }
                            Outcome(op, error, nowMs() - started)
                        }
                    }
                }.awaitAll()
                // Let answers delayed past the client's timeout land, then move the sandbox clock
                // past the carrier's 3-minute lifecycle window so the next round is not refused.
                delay(((DELAY_SECS + 0.3) * 1000).toLong())
                s.adminPost("clock/advance", """{"seconds": 181}""")
            }
            faults(s, 0.0)

            // A refusal the server is sure of (1031: not the card's package) is known not applied.
            val ledgerLen = s.adminGet("ledger").jsonArray.size
            val refused = assertThrows<CardBossException.Api> {
                runBlocking { c.renew(CardRef(msisdn = renewCards[0].first), "nosuchpkg", 12) }
            }
            assertEquals("1031", refused.info().code)
            assertFalse(refused.info().outcomeUnknown, refused.toString())
            assertEquals(ledgerLen, s.adminGet("ledger").jsonArray.size, "a refusal leaves the ledger alone")
            c.close()

            val after = stats(s)
            val ledger = s.adminGet("ledger").jsonArray.map { it.jsonObject }
            val postEndpoints = listOf("card/pkg/renew", "sms/sendlotsms", "card/stopkeep")
            // Minus one on card/pkg/renew: the refusal above.
            val postRequests = postEndpoints.sumOf { requests(after, it) - requests(before, it) } - 1

            assertEquals(rounds * (renewals + sms + stopkeep), outcomes.size)
            assertEquals(outcomes.size.toLong(), postRequests, "POST requests received == SDK calls: $after")

            var duplicates = 0
            var ok = 0
            var failed = 0
            var unknownApplied = 0
            var unknownNotApplied = 0
            var knownNotApplied = 0
            var afterFaults = 0
            val errorsByKind = sortedMapOf<String, Int>()
            var worst = 0L
            val postBound = TIMEOUT_MS + SLACK_MS
            for (o in outcomes) {
                val applied = ledger.filter { o.op.isAppliedIn(it) }
                if (applied.size > 1) duplicates++
                val afterFault = applied.any { e ->
                    val fault = e["fault"] as? JsonObject
                    fault != null && (fault.s("stage") == "after" || fault.s("kind") == "delay")
                }
                worst = maxOf(worst, o.elapsedMs)
                assertTrue(o.elapsedMs <= postBound, "${o.op} took ${o.elapsedMs} ms > $postBound ms")
                val e = o.error
                if (e == null) {
                    ok++
                    assertEquals(1, applied.size, "a success is applied once: ${o.op} $applied")
                    assertTrue(applied[0]["fault"].let { it == null || it is JsonNull }, "a faulted request cannot succeed: ${o.op} ${applied[0]}")
                    continue
                }
                failed++
                errorsByKind.merge(kindOf(e), 1, Int::plus)
                assertTrue(isFaultError(e), "${o.op} failed for a reason other than a fault: $e")
                if (afterFault) afterFaults++
                if (afterFault || applied.isNotEmpty()) {
                    assertTrue(e.info().outcomeUnknown, "${o.op} took effect ($applied) but its exception claims to know it did not: $e")
                }
                when {
                    e.info().outcomeUnknown && applied.isNotEmpty() -> unknownApplied++
                    e.info().outcomeUnknown -> unknownNotApplied++
                    else -> knownNotApplied++
                }
            }
            assertEquals(0, duplicates, "no operation applied twice")

            val faultsByKind = sortedMapOf<String, Int>()
            for (e in ledger) {
                val fault = e["fault"] as? JsonObject ?: continue
                faultsByKind.merge("${fault.s("kind")}/${fault.s("stage")}", 1, Int::plus)
            }
            println(
                "POST operations: ${outcomes.size} run (${renewals * rounds} renewals repetition=true audit auto/manual, " +
                    "${sms * rounds} plain SMS, ${stopkeep * rounds} suspend/resume) over $rounds rounds; " +
                    "$postRequests POST requests received (1 per operation)",
            )
            println("POST faults recorded in the ledger: ${faultsByKind.values.sum()} $faultsByKind")
            println(
                "POST results: $ok ok (each applied once), $failed failed: $unknownApplied outcomeUnknown & applied " +
                    "($afterFaults with an after-stage/delay fault), $unknownNotApplied outcomeUnknown & not applied, " +
                    "$knownNotApplied known not applied; errors $errorsByKind",
            )
            println("POST duplicates found: $duplicates; slowest call %.2f s (timeout %.2f s)".format(worst / 1000.0, TIMEOUT_MS / 1000.0))
        }
    }

    // -------------------------------------------------------------------------------- (c) timeouts

    @Test
    fun callsNeverOutliveTimeoutTimesAttemptsPlusBackoff() = runBlocking<Unit> {
        Sandbox(300, "example", "--seed", "3").use { s ->
            val retries = 3
            val bound = callBoundMs(retries)
            client(s, retries).use { c ->
                val msisdns = buildList { c.cardFlow().collect { add(it.msisdn) } }
                val target = c.cardDetails(CardSet(msisdns = msisdns)).first { it.msstatus == 2L }.msisdn

                // Every answer late: a GET tries every attempt, then fails with a timeout.
                faults(s, 1.0, listOf("delay"))
                var started = nowMs()
                val e = assertThrows<CardBossException.Timeout> { runBlocking { c.customer() } }
                val getMs = nowMs() - started
                assertFalse(e.info().outcomeUnknown, "a GET changes nothing: $e")
                assertTrue(getMs >= TIMEOUT_MS * (retries + 1) - 50, "all ${retries + 1} attempts were made: $getMs ms")
                assertTrue(getMs <= bound + SLACK_MS, "$getMs ms > $bound ms + slack")
                // A POST is tried once and its outcome is unknown.
                started = nowMs()
                val p = assertThrows<CardBossException.Timeout> { runBlocking { c.suspend(CardRef(msisdn = target)) } }
                val postMs = nowMs() - started
                assertTrue(p.info.outcomeUnknown, "a timed-out POST may have been applied: $p")
                assertTrue(postMs >= TIMEOUT_MS - 50 && postMs <= TIMEOUT_MS + SLACK_MS, "one attempt: $postMs ms")
                println(
                    "timeouts (every answer $DELAY_SECS s late, timeout %.2f s): GET failed after %.2f s (%d attempts, bound %.2f s), POST after %.2f s (1 attempt, outcome unknown)"
                        .format(TIMEOUT_MS / 1000.0, getMs / 1000.0, retries + 1, bound / 1000.0, postMs / 1000.0),
                )

                // All kinds at 20%: single-request calls, each timed against the bound.
                faults(s, FAULT_RATE)
                var worst = 0L
                var failures = 0
                val calls = 80
                for (i in 0 until calls) {
                    started = nowMs()
                    try {
                        when (i % 4) {
                            0 -> c.customer()
                            1 -> c.listCards(1 + i % 3)
                            2 -> c.cardDetails(CardSet(msisdns = msisdns.take(100)))
                            else -> c.packages(CardRef(msisdn = msisdns[i]))
                        }
                    } catch (e: CardBossException) {
                        failures++
                        assertTrue(isFaultError(e), "$e")
                    }
                    val elapsed = nowMs() - started
                    worst = maxOf(worst, elapsed)
                    assertTrue(elapsed <= bound + SLACK_MS, "call $i took $elapsed ms > $bound ms + slack")
                }
                faults(s, 0.0)
                println(
                    "timeouts (20%% faults): $calls GET calls, slowest %.2f s, bound %.2f s (+%.1f s slack), $failures failed after all retries"
                        .format(worst / 1000.0, bound / 1000.0, SLACK_MS / 1000.0),
                )
            }
        }
    }
}

private fun JsonObject.s(key: String): String? = (this[key] as? kotlinx.serialization.json.JsonPrimitive)?.contentOrNull
