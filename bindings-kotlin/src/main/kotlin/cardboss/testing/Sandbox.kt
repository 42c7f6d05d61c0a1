// `cardboss.testing.Sandbox`: the CardBOSS sandbox inside this JVM, for your own tests. A thin
// AutoCloseable face of the UniFFI object `cardboss.SandboxServer` (bindings-kotlin/src/testing.rs),
// which runs the sandbox crate's own server; nothing here holds a rule or a default.
package cardboss.testing

import cardboss.CardBossClient
import cardboss.ClientConfig
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
            require(cards == null || cards >= 0) { "cards must be 0 or more" }
            require(seed == null || seed >= 0) { "seed must be 0 or more" }
            val options = SandboxOptions(
                cards = cards?.toUInt(),
                seed = seed?.toULong(),
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
    val isClosed: Boolean get() = server.isClosed()

    /** A client configuration pointed at this sandbox (change it with `copy(...)`). */
    fun config(): ClientConfig = ClientConfig(sid = sid, apikey = apikey, baseUrl = baseUrl, opsUrl = opsUrl)

    /** A client pointed at this sandbox; `configure` may change its configuration. */
    @JvmOverloads
    fun client(configure: (ClientConfig) -> ClientConfig = { it }): CardBossClient = CardBossClient(configure(config()))

    /** Stops the servers. Idempotent. */
    override fun close() = server.close()

    override fun toString(): String = "Sandbox(sid=$sid, baseUrl=$baseUrl, opsUrl=$opsUrl)"
}
