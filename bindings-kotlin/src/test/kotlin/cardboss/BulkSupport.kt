package cardboss

import cardboss.testing.Sandbox
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.toList
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.contentOrNull
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import org.junit.jupiter.api.fail

// What the bulk tests read from the in-process sandbox (its admin API answers JSON text).

/** A client of [sb] whose GET retries are quick (the read-backs of a run may be retried). */
fun quickClient(sb: Sandbox, concurrency: Int? = null): CardBossClient =
    sb.client { it.copy(retryBaseMs = 5, retryCapMs = 50, concurrency = concurrency) }

/** Requests the sandbox received. */
suspend fun Sandbox.total(): Long = Json.parseToJsonElement(stats()).jsonObject.getValue("total").jsonPrimitive.long

/** The card's `msstatus` as the sandbox holds it. */
suspend fun Sandbox.msstatus(card: String): Long =
    Json.parseToJsonElement(card(card)).jsonObject.getValue("msstatus").jsonPrimitive.long

/** card/stopkeep operations the sandbox applied per card (`stopkeep` "0": suspend, "1": resume). */
suspend fun Sandbox.applied(stopkeep: String): Map<String, Int> {
    val count = mutableMapOf<String, Int>()
    for (entry in Json.parseToJsonElement(ledger()).jsonArray) {
        val e = entry.jsonObject
        val details = e["details"] as? kotlinx.serialization.json.JsonObject
        if (e.getValue("endpoint").jsonPrimitive.content.endsWith("card/stopkeep") &&
            e.getValue("applied").jsonPrimitive.boolean &&
            details?.get("stopkeep")?.jsonPrimitive?.contentOrNull == stopkeep
        ) {
            for (c in e.getValue("cards").jsonArray) count.merge(c.jsonPrimitive.content, 1, Int::plus)
        }
    }
    return count
}

/** The first [n] cards in state 正常 (msstatus 2): suspendable. */
suspend fun normalCards(client: CardBossClient, n: Int): List<String> {
    val all = client.cardFlow().toList().map { it.msisdn }
    val normal = client.cardDetails(CardSet(msisdns = all)).filter { it.msstatus == 2L }.map { it.msisdn }
    check(normal.size >= n) { "only ${normal.size} cards in state 2" }
    return normal.take(n)
}

/** The outcomes by card, checking that none is there twice. */
fun byCard(outcomes: List<BulkOutcome>): Map<String, BulkOutcome> =
    outcomes.associateBy { it.card }.also { check(it.size == outcomes.size) { "a card was settled twice" } }

/** Waits (polling) until [condition] holds; fails after 30 s. For events with no callback. */
suspend fun waitUntil(what: String, condition: suspend () -> Boolean) {
    val until = System.nanoTime() + 30_000_000_000
    while (!condition()) {
        if (System.nanoTime() > until) fail("timed out waiting for $what")
        delay(10)
    }
}

/** The journal's lines of settled outcomes. */
fun journalOutcomes(journal: java.io.File): Int =
    if (journal.exists()) journal.readLines().count { it.contains("\"kind\":\"outcome\"") } else 0
