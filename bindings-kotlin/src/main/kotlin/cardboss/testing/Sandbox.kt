// `cardboss.testing.Sandbox`: the CardBOSS sandbox inside this JVM, for your own tests. A thin
// AutoCloseable face of the UniFFI object `cardboss.SandboxServer` (bindings-kotlin/src/testing.rs),
// which runs the sandbox crate's own server; nothing here holds a rule or a default.
package cardboss.testing

import cardboss.CardBossClient
import cardboss.ClientOptions
import cardboss.SandboxOptions
import cardboss.SandboxServer

/**
 * A sandbox on free loopback ports of this process; `use { }` (or `close()`) stops it.
 *
 * ```kotlin
 * Sandbox.start(cards = 100, strict = true).use { sb ->
 *     val me = runBlocking { sb.client().customer() }
 * }
 * ```
 * Options left out (null) keep the sandbox's defaults (1000 cards, seed 1, style "example",
 * lenient, no faults). The admin API is also served over HTTP under `baseUrl/_sandbox/`.
 */
class Sandbox private constructor(private val server: SandboxServer) : AutoCloseable {
    companion object {
        /** Starts a sandbox; throws `CardBossException.InvalidInput` on a bad option. */
        @JvmStatic
        @JvmOverloads
        fun start(
            cards: Int? = null,
            seed: Long? = null,
            style: String? = null,
            strict: Boolean? = null,
            faults: Double? = null,
            sid: String? = null,
            apikey: String? = null,
            legacy: Boolean? = null,
        ): Sandbox {
            val options = SandboxOptions(
                cards = cards?.toLong(),
                seed = seed,
                style = style,
                strict = strict,
                faults = faults,
                sid = sid,
                apikey = apikey,
                legacy = legacy,
            )
            return Sandbox(SandboxServer.start(options))
        }
    }

    /** Queries, SMS, renewals, and the admin API under `/_sandbox/`. */
    val baseUrl: String = server.baseUrl()
    /** Lifecycle operations. */
    val opsUrl: String = server.opsUrl()
    val sid: String = server.sid()
    /** The account's secret (a test value). */
    val apikey: String get() = server.apikey()
    val isClosed: Boolean get() = server.isStopped()

    /** A client configuration pointed at this sandbox (change it with `copy(...)`). */
    fun config(): ClientOptions = ClientOptions(sid = sid, apikey = apikey, baseUrl = baseUrl, opsUrl = opsUrl)

    /** A client pointed at this sandbox; `configure` may change its configuration. */
    @JvmOverloads
    fun client(configure: (ClientOptions) -> ClientOptions = { it }): CardBossClient = CardBossClient(configure(config()))

    // The admin API (the sandbox crate's own functions). Each answers JSON text, as the HTTP
    // admin API under `/_sandbox/` does.

    /** The business clock: `{"offset_secs", "now", "unix"}`. */
    suspend fun clock(): String = server.clock()
    /** Moves the business clock forward: cooldowns expire, automatic renewals confirm. */
    suspend fun advanceClock(seconds: Long): String = server.advanceClock(seconds)
    /** Faults on that share of API requests (0 turns them off), of `kinds` (null: all). */
    suspend fun setFaults(rate: Double, kinds: List<String>? = null): String = server.setFaults(rate, kinds)
    suspend fun orders(): String = server.orders()
    /** Confirms a pending renewal order (an OD1002 push with status 1 follows). */
    suspend fun approveOrder(orderid: String): String = server.approveOrder(orderid)
    /** Rejects a pending renewal order (an OD1002 push with status 0 follows). */
    suspend fun rejectOrder(orderid: String): String = server.rejectOrder(orderid)
    /** Every operation the sandbox accepted, oldest first. */
    suspend fun ledger(): String = server.ledger()
    suspend fun stats(): String = server.stats()
    suspend fun pushes(): String = server.pushes()
    /** Receiver of data pushes (OD1002, OD1010); null stops them. */
    suspend fun setPushUrl(url: String?) = server.setPushUrl(url)
    /** Receiver of SMS pushes (P0001, P0002); null stops them. */
    suspend fun setSmsPushUrl(url: String?) = server.setSmsPushUrl(url)
    /** One OD1010 warning push for `card` of `warningType` (11–15, 21–24, 31–32, 41–42, 51). */
    suspend fun sendWarning(card: String, warningType: Int, total: Double? = null, usage: Double? = null, outflow: Double? = null): String {
        require(warningType in 0..255) { "warningType must be between 0 and 255" }
        return server.sendWarning(card, warningType.toUByte(), total, usage, outflow)
    }
    suspend fun card(card: String): String = server.card(card)
    suspend fun upstreamSms(mobile: String, content: String): String = server.upstreamSms(mobile, content)
    suspend fun reset() = server.reset()

    /** Stops the servers. Idempotent. */
    override fun close() = server.stop()

    override fun toString(): String = "Sandbox(sid=$sid, baseUrl=$baseUrl, opsUrl=$opsUrl)"
}
