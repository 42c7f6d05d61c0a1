// Hand-written conveniences over the UniFFI-generated API (target-gen/kotlin, package cardboss).
// Nothing here holds a rule of the spec: it only reshapes what the generated code offers.
package cardboss

import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.withContext

// ---------------------------------------------------------------- cards
// CardSet and CardRef are the core's (package cardboss.core, aliased in cardboss): a companion
// is named through its class, not through the alias.

/** Cards by msisdn. */
fun cardboss.core.CardSet.Companion.ofMsisdns(vararg msisdns: String): CardSet = CardSet(msisdns = msisdns.toList())

/** Cards by iccid. */
fun cardboss.core.CardSet.Companion.ofIccids(vararg iccids: String): CardSet = CardSet(iccids = iccids.toList())

/** One card by msisdn. */
fun cardboss.core.CardRef.Companion.ofMsisdn(msisdn: String): CardRef = CardRef(msisdn = msisdn)

/** One card by iccid. */
fun cardboss.core.CardRef.Companion.ofIccid(iccid: String): CardRef = CardRef(iccid = iccid)

/** The pager's remaining cards as a flow (the pager is not closed at the end). */
fun CardPager.asFlow(): Flow<Card> = flow {
    while (true) {
        val page = nextPage() ?: break
        for (card in page) emit(card)
    }
}

/** Every card of the account as a cold flow: each collection lists the account again, and
 *  stops the background fetching when it ends or is cancelled. */
fun CardBossClient.cardFlow(): Flow<Card> = flow {
    cards().use { pager ->
        while (true) {
            val page = pager.nextPage() ?: break
            for (card in page) emit(card)
        }
    }
}

// ---------------------------------------------------------------- bulk results batch by batch

/** The batches left, as a flow of lists (up to 100 records each, in input order) that closes the
 *  object when the collection ends, fails or is cancelled, which stops the background fetching.
 *  Collect it once: the object is closed afterwards. A failed batch ends the flow with its
 *  exception. */
fun CardDetailBatches.asFlow(): Flow<List<CardDetail>> = batchFlow(this) { nextBatch() }

/** [CardDetailBatches.asFlow] for current usage. */
fun CurrentUsageBatches.asFlow(): Flow<List<CurrentUsage>> = batchFlow(this) { nextBatch() }

/** [CardDetailBatches.asFlow] for a month's usage. */
fun MonthlyUsageBatches.asFlow(): Flow<List<MonthlyUsage>> = batchFlow(this) { nextBatch() }

/** 3.2.2 card/detail batch by batch as a cold flow: each collection checks the cards (a bad one
 *  throws `InvalidInput` from `collect` with nothing sent) and fetches them again. */
fun CardBossClient.cardDetailFlow(cards: CardSet): Flow<List<CardDetail>> =
    flow { emitAll(cardDetailBatches(cards).asFlow()) }

/** 3.2.3 card/usage/current batch by batch as a cold flow, like [cardDetailFlow]. */
fun CardBossClient.currentUsageFlow(cards: CardSet): Flow<List<CurrentUsage>> =
    flow { emitAll(currentUsageBatches(cards).asFlow()) }

/** 3.2.4 card/usage/past batch by batch as a cold flow, like [cardDetailFlow]. */
fun CardBossClient.usageHistoryFlow(month: String, cards: CardSet, showday: String? = null): Flow<List<MonthlyUsage>> =
    flow { emitAll(usageHistoryBatches(month, cards, showday).asFlow()) }

/** The fleet sync's batches as a flow of lists (list order, each card once). Collect it once.
 *  The object stays open at the end, so that `report()` and `checkpoint()` can be read; a
 *  cancelled or failed collection cancels the sync, which stops its requests. */
fun FleetSyncBatches.asFlow(): Flow<List<FleetRecord>> = flow {
    try {
        while (true) emit(nextBatch() ?: break)
    } catch (e: Throwable) {
        cancel()
        throw e
    }
}

private fun <T> batchFlow(batches: AutoCloseable, next: suspend () -> List<T>?): Flow<List<T>> = flow {
    batches.use {
        while (true) emit(next() ?: break)
    }
}

// ---------------------------------------------------------------- bulk runs

/** One operation (`"suspend"`, `"resume"`, `"renew"`, …) on every card of [cards], waiting for the
 *  report (see [CardBossClient.bulkRun]; fields of [settings] left null take the core's
 *  defaults). Bad input throws `InvalidInput` at once, nothing sent. Cancelling the coroutine
 *  cancels the run: the requests in flight finish (and are journaled), the other cards are not
 *  sent; it returns (throwing the cancellation) once the run is over, its journal released. */
suspend fun CardBossClient.bulk(op: String, cards: CardSet, settings: BulkSettings = BulkSettings()): BulkReport =
    bulkRun(op, cards, settings).use { run -> run.cancelling { run.finish() } }

/** The run's outcomes as a flow, one per card as each is settled. Collect it once. The object
 *  stays open at the end, so that `report()` can be read; a collection that is cancelled, fails
 *  or stops early (`take(n)`) cancels the run and waits for its requests in flight. */
fun BulkRun.asFlow(): Flow<BulkOutcome> = flow {
    cancelling { while (true) emit(next() ?: break) }
}

/** [CardBossClient.bulk] as a cold flow of outcomes: each collection starts a run (bad input
 *  throws `InvalidInput` from `collect`, nothing sent) and ends it when the collection ends. */
fun CardBossClient.bulkFlow(op: String, cards: CardSet, settings: BulkSettings = BulkSettings()): Flow<BulkOutcome> =
    flow { bulkRun(op, cards, settings).use { run -> emitAll(run.asFlow()) } }

/** Runs [block]; if it fails or is cancelled, cancels the run and waits for its end first. */
private suspend fun <T> BulkRun.cancelling(block: suspend () -> T): T =
    try {
        block()
    } catch (e: Throwable) {
        cancel()
        withContext(NonCancellable) { finish() }
        throw e
    }

// ---------------------------------------------------------------- SMS

/** 3.5.5 sms/sendsms with numbered template variables (`mapOf(1 to "xx", 2 to "yy")` is sent
 *  as `@1@=xx|@2@=yy`); a number that is not positive throws `InvalidInput` before sending. */
suspend fun CardBossClient.sendTemplateSms(mobiles: List<String>, templateId: String, params: Map<Int, String>): SmsReceipt =
    sendTemplateSmsNumbered(mobiles, templateId, params)

// ---------------------------------------------------------------- pushes

/** [verifyPush] for a body received as text (UTF-8). */
fun verifyPush(body: String, apikey: String, options: PushOptions? = null): Push =
    verifyPush(body.toByteArray(Charsets.UTF_8), apikey, options)

/** [parseSmsPush] for a body received as text (UTF-8). */
fun parseSmsPush(body: String): SmsPush = parseSmsPush(body.toByteArray(Charsets.UTF_8))

/** [PushGuard.begin] for a body received as text (UTF-8). */
suspend fun PushGuard.begin(body: String, apikey: String, options: PushOptions? = null): PushTicket =
    begin(body.toByteArray(Charsets.UTF_8), apikey, options)

/** Handles one push exactly once: [PushGuard.begin], then [handler], then [PushTicket.commit]
 *  (its result is returned). The guard's refusals are thrown (`PushReplay`: handled already,
 *  answer `success`; `PushInFlight`, `PushRejected`, `StoreUnavailable`). When the handler
 *  throws or is cancelled the id is released (so the platform's retry is accepted) and the
 *  handler's exception is rethrown unchanged. Only sequencing: every check is the core's.
 *  A receiver that answers over HTTP wants [receive], which also says what to answer. */
suspend fun <T> PushGuard.handle(body: ByteArray, apikey: String, options: PushOptions? = null, handler: suspend (Push) -> T): T =
    begin(body, apikey, options).use { ticket ->
        val result = try {
            handler(ticket.push())
        } catch (e: Throwable) {
            // Cancellation included: the release must still reach the store.
            withContext(NonCancellable) { runCatching { ticket.release() }.exceptionOrNull()?.let(e::addSuppressed) }
            throw e
        }
        ticket.commit()
        result
    }

/**
 * What a push receiver does with one data push, and what it answers: [PushGuard.begin] (a
 * refusal is not thrown but answered, as the core's [pushReplyFor] says: a replay is
 * acknowledged again, a forged body 400, a push in flight elsewhere 409, a store that is down
 * 503; the handler does not run), then [handler], then [PushTicket.finish] (`success`, or 503
 * when the commit could not be recorded). Write the reply as it is: `reply.status`,
 * `text/plain`, `reply.body`; log `reply.reason` when it is not null (it never holds the apikey).
 *
 * When the handler throws (or is cancelled) the id is released and its exception is rethrown
 * unchanged: let your framework answer 500; the platform sends the push again, and that retry is
 * handled. The spec gives a receiver 5 seconds: record the event durably in [handler] and do
 * the slow work after answering (see `cardboss.ktor.cardbossPush`).
 */
suspend fun PushGuard.receive(body: ByteArray, apikey: String, options: PushOptions? = null, handler: suspend (Push) -> Unit): PushReply {
    val ticket = try {
        begin(body, apikey, options)
    } catch (e: CardBossException) {
        return pushReplyFor(e.info())
    }
    return ticket.use {
        try {
            handler(ticket.push())
        } catch (e: Throwable) {
            withContext(NonCancellable) { ticket.finish(false) }
            throw e
        }
        // The commit is the handled push's record: it must reach the store even if the caller
        // is cancelled meanwhile (the answer is then lost and the push comes again: a replay).
        withContext(NonCancellable) { ticket.finish(true) }
    }
}

/** [receive] for a body received as text (UTF-8). */
suspend fun PushGuard.receive(body: String, apikey: String, options: PushOptions? = null, handler: suspend (Push) -> Unit): PushReply =
    receive(body.toByteArray(Charsets.UTF_8), apikey, options, handler)

/**
 * What a receiver does with one SMS push (3.5.6: P0001 reports, P0002 replies; unsigned, no id):
 * [parseSmsPush] (a bad body is not thrown but answered, 400 with the reason; the handler does
 * not run), then [handler], then the acknowledgement. The handler's exception is rethrown
 * unchanged (answer 500: the platform sends the push again).
 */
suspend fun receiveSmsPush(body: ByteArray, handler: suspend (SmsPush) -> Unit): PushReply {
    val push = try {
        parseSmsPush(body)
    } catch (e: CardBossException) {
        return pushReplyFor(e.info())
    }
    handler(push)
    return pushReplyAck()
}

/** True for the acknowledgement (`success` with 200), which stops the platform's retries. */
val PushReply.acknowledged: Boolean get() = pushReplyAcknowledged(this)

/** [handle] for a body received as text (UTF-8). */
suspend fun <T> PushGuard.handle(body: String, apikey: String, options: PushOptions? = null, handler: suspend (Push) -> T): T =
    handle(body.toByteArray(Charsets.UTF_8), apikey, options, handler)

/** The answer a push receiver sends within 5 seconds. */
val PUSH_ACK: String by lazy { pushAck() }

// The core's models live in package cardboss.core and are aliased into cardboss (see
// generate.sh); Kotlin cannot reach nested classes through an alias, so the variants of the two
// sealed push types get accessors here (or import cardboss.core.PushContent / SmsPush).

/** The OD1002 renewal result, when the push carries one. */
val PushContent.renewalResult: RenewalResult?
    get() = (this as? cardboss.core.PushContent.RenewalResult)?.result

/** The OD1010 usage warnings, when the push carries them. */
val PushContent.usageWarnings: List<UsageWarning>?
    get() = (this as? cardboss.core.PushContent.UsageWarnings)?.warnings

/** The documented OD1010 type of this warning (the core's `WarningType`, whose `value` is the
 *  spec's code), or null for a code the spec does not list. */
val UsageWarning.kind: WarningType?
    get() = WarningType.entries.firstOrNull { it.value.toLong() == warningType }

/** The P0001 delivery reports, when the SMS push carries them. */
val SmsPush.reports: List<SmsReport>?
    get() = (this as? cardboss.core.SmsPush.Reports)?.reports

/** The P0002 replies, when the SMS push carries them. */
val SmsPush.replies: List<SmsReply>?
    get() = (this as? cardboss.core.SmsPush.Replies)?.replies
