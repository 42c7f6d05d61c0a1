// The client for Java (or any caller without coroutines): every suspend method of
// `CardBossClient` as a method answering a `CompletableFuture`. Each one forwards in one line;
// nothing here holds a rule or a default (a parameter left out is the same null the Kotlin
// method takes).
package cardboss

import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.future.future

/**
 * [CardBossClient] with `CompletableFuture`s instead of suspend functions, for Java:
 *
 * ```java
 * try (CardBossFutures client = CardBossFutures.create("10043", apikey, "https://…")) {
 *     Customer me = client.customer().get();
 *     CardPage first = client.listCards(1).join();
 * }
 * ```
 *
 * A failed call completes its future exceptionally with the [CardBossException] the Kotlin call
 * throws (`join()` wraps it in a `CompletionException`, `get()` in an `ExecutionException`).
 * Cancelling a future cancels the call (a POST may still have reached the server). Closing this
 * object cancels the calls in flight and closes the client.
 */
class CardBossFutures(
    /** The client every call goes to (still usable from Kotlin). */
    val client: CardBossClient,
) : AutoCloseable {
    // The calls run on UniFFI's tokio runtime; this scope only awaits them.
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    private fun <T> call(block: suspend CardBossClient.() -> T): CompletableFuture<T> = scope.future { client.block() }

    companion object {
        /** A client for `sid` and `apikey`; every option left out takes the core's default. */
        @JvmStatic
        @JvmOverloads
        fun create(sid: String, apikey: String, baseUrl: String? = null, opsUrl: String? = null): CardBossFutures =
            CardBossFutures(CardBossClient(ClientOptions(sid = sid, apikey = apikey, baseUrl = baseUrl, opsUrl = opsUrl)))

        /** A client with every setting of [options]. */
        @JvmStatic
        fun create(options: ClientOptions): CardBossFutures = CardBossFutures(CardBossClient(options))
    }

    /** Cancels the calls in flight and closes the client. */
    override fun close() {
        scope.cancel()
        client.close()
    }

    // 3.1 customer
    fun customer(): CompletableFuture<Customer> = call { customer() }

    // 3.2 cards
    fun listCards(page: Int): CompletableFuture<CardPage> = call { listCards(page) }
    fun cardDetails(cards: CardSet): CompletableFuture<List<CardDetail>> = call { cardDetails(cards) }
    fun currentUsage(cards: CardSet): CompletableFuture<List<CurrentUsage>> = call { currentUsage(cards) }
    @JvmOverloads
    fun usageHistory(month: String, cards: CardSet, showday: String? = null): CompletableFuture<List<MonthlyUsage>> =
        call { usageHistory(month, cards, showday) }
    fun packages(card: CardRef): CompletableFuture<PackageList> = call { packages(card) }
    @Deprecated("withdrawn (停用) by the platform, which may answer 1098")
    fun arrears(page: Int): CompletableFuture<ArrearsPage> = call { arrears(page) }
    @Deprecated("withdrawn (停用) by the platform, which may answer 1098")
    fun dailyUsage(day: String, cards: CardSet): CompletableFuture<DailyUsage> = call { dailyUsage(day, cards) }

    // 3.3 pools
    fun pools(): CompletableFuture<List<Pool>> = call { pools() }

    // 3.4 operations
    @JvmOverloads
    fun renew(card: CardRef, pkgcode: String, months: Int, options: RenewOptions? = null): CompletableFuture<RenewalOrder> =
        call { renew(card, pkgcode, months, options) }
    @JvmOverloads
    fun renewPackage(card: CardRef, pkg: Package, months: Int, options: RenewOptions? = null): CompletableFuture<RenewalOrder> =
        call { renewPackage(card, pkg, months, options) }
    fun endTestPeriod(card: CardRef): CompletableFuture<Void?> =
        call { endTestPeriod(card); null }
    fun forceActivate(card: CardRef): CompletableFuture<Void?> =
        call { forceActivate(card); null }
    fun suspend(card: CardRef): CompletableFuture<Void?> =
        call { suspend(card); null }
    fun resume(card: CardRef): CompletableFuture<Void?> =
        call { resume(card); null }
    @JvmOverloads
    fun disableData(card: CardRef, apn: String? = null): CompletableFuture<Void?> =
        call { disableData(card, apn); null }
    @JvmOverloads
    fun enableData(card: CardRef, apn: String? = null, minLeftPercent: Int? = null): CompletableFuture<Void?> =
        call { enableData(card, apn, minLeftPercent); null }
    @JvmOverloads
    fun addVoiceWhitelist(card: CardRef, numbers: List<String>, group: String? = null): CompletableFuture<Void?> =
        call { addVoiceWhitelist(card, numbers, group); null }
    @JvmOverloads
    fun removeVoiceWhitelist(card: CardRef, numbers: List<String>, group: String? = null): CompletableFuture<Void?> =
        call { removeVoiceWhitelist(card, numbers, group); null }

    /** One operation on many cards ([CardBossClient.bulk]); cancelling the future cancels the run. */
    @JvmOverloads
    fun bulk(op: String, cards: CardSet, settings: BulkSettings = BulkSettings()): CompletableFuture<BulkReport> =
        call { this.bulk(op, cards, settings) }

    // 3.5 SMS
    fun sendIotSms(mobiles: List<String>, content: String): CompletableFuture<SmsReceipt> = call { sendIotSms(mobiles, content) }
    fun sendIotSmsEncrypted(mobiles: List<String>, content: String): CompletableFuture<SmsReceipt> =
        call { sendIotSmsEncrypted(mobiles, content) }
    /** `params` fill `@1@`, `@2@`, … in order. */
    fun sendTemplateSms(mobiles: List<String>, templateId: String, params: List<String>): CompletableFuture<SmsReceipt> =
        call { sendTemplateSms(mobiles, templateId, params) }
    /** Numbered variables: `Map.of(1, "xx", 2, "yy")`. */
    fun sendTemplateSmsNumbered(mobiles: List<String>, templateId: String, params: Map<Int, String>): CompletableFuture<SmsReceipt> =
        call { sendTemplateSmsNumbered(mobiles, templateId, params) }
    fun smsReports(): CompletableFuture<List<SmsReport>> = call { smsReports() }
    fun smsReplies(): CompletableFuture<List<SmsReply>> = call { smsReplies() }

    /** Every card of the account, page after page (fetched ahead), collected. */
    fun allCards(): CompletableFuture<List<Card>> = call {
        cards().use { pager -> buildList { while (true) addAll(pager.nextPage() ?: break) } }
    }
}
