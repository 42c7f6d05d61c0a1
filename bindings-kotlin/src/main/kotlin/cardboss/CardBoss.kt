// Hand-written conveniences over the UniFFI-generated API (target-gen/kotlin, package cardboss).
// Nothing here holds a rule of the spec: it only reshapes what the generated code offers.
package cardboss

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow

// ---------------------------------------------------------------- errors

/** The platform's code (`"1005"`, `"1080"`, `"12144"`) or a word for local failures
 *  (`INVALID_INPUT`, `COOLDOWN`, `TIMEOUT`, `TRANSPORT`, `HTTP`, `DECODE`, `PUSH_REJECTED`,
 *  `INTERNAL`). Every subclass also has it as its own property. */
val CardBossException.code: String
    get() = when (this) {
        is CardBossException.Api -> code
        is CardBossException.Auth -> code
        is CardBossException.RateLimited -> code
        is CardBossException.InvalidInput -> code
        is CardBossException.Cooldown -> code
        is CardBossException.Timeout -> code
        is CardBossException.Transport -> code
        is CardBossException.Http -> code
        is CardBossException.Decode -> code
        is CardBossException.PushRejected -> code
        is CardBossException.Internal -> code
    }

/** The server's message, or our description of a local failure. */
val CardBossException.msg: String
    get() = when (this) {
        is CardBossException.Api -> msg
        is CardBossException.Auth -> msg
        is CardBossException.RateLimited -> msg
        is CardBossException.InvalidInput -> msg
        is CardBossException.Cooldown -> msg
        is CardBossException.Timeout -> msg
        is CardBossException.Transport -> msg
        is CardBossException.Http -> msg
        is CardBossException.Decode -> msg
        is CardBossException.PushRejected -> msg
        is CardBossException.Internal -> msg
    }

/** The server's detail ("" when there is none, and for local failures). */
val CardBossException.detail: String
    get() = when (this) {
        is CardBossException.Api -> detail
        is CardBossException.Auth -> detail
        is CardBossException.RateLimited -> detail
        is CardBossException.InvalidInput -> detail
        is CardBossException.Cooldown -> detail
        is CardBossException.Timeout -> detail
        is CardBossException.Transport -> detail
        is CardBossException.Http -> detail
        is CardBossException.Decode -> detail
        is CardBossException.PushRejected -> detail
        is CardBossException.Internal -> detail
    }

/** The endpoint the failure concerns, when it concerns one. */
val CardBossException.endpoint: String?
    get() = when (this) {
        is CardBossException.Api -> endpoint
        is CardBossException.Auth -> endpoint
        is CardBossException.RateLimited -> endpoint
        is CardBossException.Cooldown -> endpoint
        is CardBossException.Timeout -> endpoint
        is CardBossException.Transport -> endpoint
        is CardBossException.Http -> endpoint
        is CardBossException.Decode -> endpoint
        is CardBossException.InvalidInput, is CardBossException.PushRejected, is CardBossException.Internal -> null
    }

/** Seconds to wait before trying again, when known (cooldowns, rate limits). */
val CardBossException.retryAfterSecs: ULong?
    get() = when (this) {
        is CardBossException.Cooldown -> retryAfterSecs
        is CardBossException.RateLimited -> retryAfterSecs
        else -> null
    }

/** True when a POST may have been applied although it failed: check before repeating it. */
val CardBossException.outcomeUnknown: Boolean
    get() = when (this) {
        is CardBossException.Api -> outcomeUnknown
        is CardBossException.Timeout -> outcomeUnknown
        is CardBossException.Transport -> outcomeUnknown
        is CardBossException.Http -> outcomeUnknown
        is CardBossException.Decode -> outcomeUnknown
        else -> false
    }

// ---------------------------------------------------------------- cards

/** Cards by msisdn. */
fun CardSet.Companion.ofMsisdns(vararg msisdns: String): CardSet = CardSet(msisdns = msisdns.toList())

/** Cards by iccid. */
fun CardSet.Companion.ofIccids(vararg iccids: String): CardSet = CardSet(iccids = iccids.toList())

/** One card by msisdn. */
fun CardRef.Companion.ofMsisdn(msisdn: String): CardRef = CardRef(msisdn = msisdn)

/** One card by iccid. */
fun CardRef.Companion.ofIccid(iccid: String): CardRef = CardRef(iccid = iccid)

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

// ---------------------------------------------------------------- SMS

/** 3.5.5 sms/sendsms with the template variables as a map, in its iteration order
 *  (`mapOf("1" to "xx", "2" to "yy")` is sent as `@1@=xx|@2@=yy`). */
suspend fun CardBossClient.sendTemplateSms(mobiles: List<String>, templateId: String, params: Map<String, String>): SmsReceipt =
    sendTemplateSms(mobiles, templateId, params.map { (name, value) -> TemplateParam(name, value) })

// ---------------------------------------------------------------- pushes

/** [verifyPush] for a body received as text (UTF-8). */
fun verifyPush(body: String, apikey: String, options: PushOptions? = null): Push =
    verifyPush(body.toByteArray(Charsets.UTF_8), apikey, options)

/** [parseSmsPush] for a body received as text (UTF-8). */
fun parseSmsPush(body: String): SmsPush = parseSmsPush(body.toByteArray(Charsets.UTF_8))

/** [PushGuard.verify] for a body received as text (UTF-8). */
fun PushGuard.verify(body: String, apikey: String, options: PushOptions? = null): Push =
    verify(body.toByteArray(Charsets.UTF_8), apikey, options)

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

/** The P0001 delivery reports, when the SMS push carries them. */
val SmsPush.reports: List<SmsReport>?
    get() = (this as? cardboss.core.SmsPush.Reports)?.reports

/** The P0002 replies, when the SMS push carries them. */
val SmsPush.replies: List<SmsReply>?
    get() = (this as? cardboss.core.SmsPush.Replies)?.replies

// The core's option records carry no UniFFI defaults, so their generated constructors need
// every argument; these factories leave out what the caller does not set.

/** Renewal options; every one left null is not sent. */
fun renewOptions(
    repetition: Boolean? = null,
    startdate: String? = null,
    audit: Audit? = null,
    remark: String? = null,
): RenewOptions = RenewOptions(repetition, startdate, audit, remark)

/** Push verification options (the core's take milliseconds); null keeps the core's default. */
fun pushOptions(
    expectedSid: String? = null,
    maxAgeSecs: ULong? = null,
    utcOffsetMinutes: Int? = null,
): PushOptions = PushOptions(expectedSid, maxAgeSecs?.let { (it * 1000uL).toLong() }, utcOffsetMinutes)
