package cardboss

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import java.net.InetSocketAddress
import java.net.URLDecoder
import java.util.Collections
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * Secrets never leak (issue 9): the client is exercised broadly — successes, every kind of
 * failure (local, server refusals, injected faults, a hostile server echoing the request), push
 * verification — and every string it produces (toString of configs, clients, results and
 * exceptions, exception messages, fields and stack traces) is searched for the apikey, its two
 * halves (the AES key and IV of encrypted SMS) and every request or push sign seen.
 */
class SecretsTest {
    /** A distinctive apikey, so that a hit cannot be a coincidence. */
    private val apikey = "Zq7Wx9Lm2Np4Rt6Vb8Yc0DfGhJkPsTuE"
    private val wrongApikey = "Kv3Hs5Jd7Fg9Ql1Wz2Xc4Vb6Nm8Mp0Ry"

    /** Every string produced, with where it came from. */
    private val produced = Collections.synchronizedList(mutableListOf<Pair<String, String>>())

    private var exceptions = 0

    private fun record(label: String, value: Any?) {
        produced += label to value.toString()
        if (value is Throwable) {
            exceptions++
            produced += "$label.message" to (value.message ?: "")
            produced += "$label.localizedMessage" to (value.localizedMessage ?: "")
            produced += "$label.stackTrace" to value.stackTraceToString()
        }
        if (value is CardBossException) {
            // Every field of the flat description, whatever the kind.
            produced += "$label.info" to value.info().toString()
        }
    }

    /** Runs `call`, recording its result or its exception; returns the exception, if any. */
    private fun attempt(label: String, call: suspend () -> Any?): Throwable? = try {
        record(label, runBlocking { call() })
        null
    } catch (e: Throwable) {
        record(label, e)
        e
    }

    private inline fun <reified E : CardBossException> expect(label: String, noinline call: suspend () -> Any?): E {
        val e = attempt(label, call) ?: fail("$label: no exception")
        return e as? E ?: fail("$label: ${E::class.simpleName} expected, got $e")
    }

    private fun assertNoSecret(secrets: Collection<String>) {
        assertTrue(secrets.all { it.length >= 16 }, "secrets are long enough to search for")
        val hits = produced.flatMap { (label, text) ->
            secrets.filter { text.contains(it, ignoreCase = true) }.map { "$label contains $it: ${text.take(300)}" }
        }
        assertEquals(emptyList<String>(), hits, "secrets found in produced strings")
    }

    private val keyParts get() = listOf(apikey, apikey.substring(0, 16), apikey.substring(16), wrongApikey)

    // ------------------------------------------------------------------ against the sandbox

    @Test
    fun sandboxCallsErrorsAndPushesNeverShowTheApikeyOrASign() {
        val pushes = LinkedBlockingQueue<ByteArray>()
        val receiver = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        receiver.createContext("/push") { ex ->
            pushes.add(ex.requestBody.readAllBytes())
            val ack = PUSH_ACK.toByteArray()
            ex.sendResponseHeaders(200, ack.size.toLong())
            ex.responseBody.use { it.write(ack) }
        }
        receiver.start()
        val signs = mutableSetOf<String>()
        try {
            Sandbox(120, "example", "--apikey", apikey, "--push-url", "http://127.0.0.1:${receiver.address.port}/push").use { s ->
                assertEquals(apikey, s.apikey)
                s.adminPost("config", """{"balance": 100000}""")
                val config = s.config()
                record("config", config)
                record("config(unguarded)", s.config(cooldownGuard = false, maxRetries = 0, timeoutMs = 500L))
                val client = CardBossClient(config)
                record("client", client)

                // Successes.
                val cards = runBlocking { client.listCards(1) }.cards
                record("listCards", runBlocking { client.listCards(1) })
                val ids = cards.take(5).map { it.msisdn }
                attempt("customer") { client.customer() }
                client.cards().use { pager ->
                    record("pager", pager)
                    attempt("pager.nextPage") { pager.nextPage() }
                }
                attempt("cardDetails") { client.cardDetails(CardSet(msisdns = ids)) }
                attempt("currentUsage") { client.currentUsage(CardSet(msisdns = ids)) }
                attempt("usageHistory") { client.usageHistory(timestamp().substring(0, 6), CardSet(msisdns = ids), "1") }
                attempt("packages") { client.packages(CardRef(msisdn = ids[0])) }
                attempt("pools") { client.pools() }
                attempt("sendIotSms") { client.sendIotSms(ids, "secret test") }
                attempt("sendIotSmsEncrypted") { client.sendIotSmsEncrypted(listOf(ids[1]), "encrypted secret test") }
                attempt("sendTemplateSms") { client.sendTemplateSms(listOf("13800138000"), "1002", listOf("123456")) }
                attempt("smsReports") { client.smsReports() }
                attempt("smsReplies") { client.smsReplies() }
                val (renewCard, pkg) = cards.drop(10).firstNotNullOf { card ->
                    runBlocking { client.packages(CardRef(msisdn = card.msisdn)) }.pkgs.firstOrNull { it.mainpkg }?.let { card to it }
                }
                val months = when (pkg.pkgcategory) { 1L -> 12; 2L -> pkg.buycycle.toInt(); else -> 1 }
                val order = runBlocking { client.renew(CardRef(msisdn = renewCard.msisdn), pkg.pkgcode, months, RenewOptions(remark = "secrets")) }
                record("renew", order)
                attempt("suspend") { client.suspend(CardRef(msisdn = cards[30].msisdn)) }
                val cipher = encryptSms(apikey, listOf(ids[0]), "hello")
                record("encryptSms", cipher)
                attempt("decryptSms") { decryptSms(apikey, cipher) }
                record("sign-free helpers", listOf(sdkVersion(), timestamp(), smsBillingCount("hello"), PushOptions()))

                // Every kind of failure.
                expect<CardBossException.InvalidInput>("InvalidInput(apikey)") { CardBossClient(s.config(apikey = apikey.dropLast(1))) }
                expect<CardBossException.InvalidInput>("InvalidInput(card)") { client.packages(CardRef()) }
                expect<CardBossException.InvalidInput>("InvalidInput(decrypt)") { decryptSms(apikey, "%%%") }
                attempt("decryptSms(wrong key)") { decryptSms(wrongApikey, cipher) }
                CardBossClient(s.config(apikey = wrongApikey)).use { wrong ->
                    record("client(wrong apikey)", wrong)
                    expect<CardBossException.Auth>("Auth(GET)") { wrong.customer() }
                    expect<CardBossException.Auth>("Auth(POST)") { wrong.sendIotSms(ids, "x") }
                }
                expect<CardBossException.Cooldown>("Cooldown") { client.suspend(CardRef(msisdn = cards[30].msisdn)) }
                client.clearCooldowns()
                expect<CardBossException.RateLimited>("RateLimited") { client.resume(CardRef(msisdn = cards[30].msisdn)) }
                val refused = expect<CardBossException.Api>("Api(1031)") { client.renew(CardRef(msisdn = cards[21].msisdn), "nosuchpkg", 12) }
                assertEquals("1031", refused.info().code)
                expect<CardBossException.Api>("Api(1098)") { client.arrears(1) }
                expect<CardBossException.Internal>("Internal") { debugPanic("boom") }
                expect<CardBossException.Internal>("Internal(async)") { debugPanicAsync("boom async") }

                // Injected faults, on a GET and on a POST, before and after the operation.
                CardBossClient(s.config(cooldownGuard = false, maxRetries = 0, timeoutMs = 500L)).use { faulty ->
                    for (kind in listOf("http500", "http502", "reset", "delay", "truncated", "code1090")) {
                        for (stage in listOf("before", "after")) {
                            s.adminPost("faults", """{"rate": 1.0, "kinds": ["$kind"], "delay_secs": 1.0, "stage": "$stage"}""")
                            attempt("fault $kind/$stage GET") { faulty.customer() } ?: fail("fault $kind: the GET succeeded")
                            attempt("fault $kind/$stage GET batch") { faulty.cardDetails(CardSet(msisdns = cards.map { it.msisdn } + cards.map { it.msisdn })) }
                                ?: fail("fault $kind: the batch succeeded")
                            attempt("fault $kind/$stage POST") { faulty.sendIotSms(listOf(ids[2]), "fault $kind") } ?: fail("fault $kind: the POST succeeded")
                        }
                    }
                    s.adminPost("faults", """{"rate": 0.0}""")
                }
                // A fleet listing that fails part-way (pages fetched ahead, retried).
                s.adminPost("faults", """{"rate": 0.5, "kinds": ["http502", "truncated", "reset"]}""")
                CardBossClient(s.config(maxRetries = 1)).use { flaky ->
                    repeat(3) { i -> attempt("flaky listing $i") { flaky.cardFlow().let { f -> buildList { f.collect { add(it) } } } } }
                }
                s.adminPost("faults", """{"rate": 0.0}""")

                // Pushes: a genuine OD1010, verified; forged, replayed, foreign ones refused.
                pushes.clear()
                s.adminPost("cards/${(cards.firstOrNull { it.state == 1L } ?: cards[0]).msisdn}/usage", """{"flowusage": 99999999999}""")
                val body = pushes.poll(20, TimeUnit.SECONDS) ?: fail("no push arrived")
                val text = String(body, Charsets.UTF_8)
                val sign = Json.parseToJsonElement(text).jsonObject.getValue("sign").jsonPrimitive.content
                signs += sign
                val strict = PushOptions(expectedSid = s.sid, maxAgeMs = 600_000)
                attempt("verifyPush") { verifyPush(body, apikey, strict) }?.let { fail("a genuine push refused: $it") }
                attempt("verifyPush.content") { verifyPush(body, apikey).content }
                expect<CardBossException.PushRejected>("PushRejected(wrong key)") { verifyPush(body, wrongApikey) }
                expect<CardBossException.PushRejected>("PushRejected(forged data)") { verifyPush(text.replace("\"sn\"", "\"sn\" ").replace("OD1010", "OD1002"), apikey) }
                expect<CardBossException.PushRejected>("PushRejected(forged sign)") { verifyPush(text.replace(sign, sign.reversed()), apikey) }
                expect<CardBossException.PushRejected>("PushRejected(sid)") { verifyPush(body, apikey, PushOptions(expectedSid = "99999")) }
                attempt("verifyPush(other clock)") { verifyPush(body, apikey, PushOptions(maxAgeMs = 0, utcOffsetMinutes = -600)) }
                expect<CardBossException.PushRejected>("PushRejected(not json)") { verifyPush("sign=$sign&sid=${s.sid}", apikey) }
                PushGuard().use { guard ->
                    record("PushGuard", guard)
                    val ticket = runBlocking { guard.begin(body, apikey, strict) }
                    record("PushTicket", ticket)
                    expect<CardBossException.PushInFlight>("PushInFlight") { guard.begin(body, apikey, strict) }
                    attempt("ticket.commit") { ticket.commit() }
                    expect<CardBossException.PushReplay>("PushReplay") { guard.begin(body, apikey, strict) }
                    expect<CardBossException.InvalidInput>("ticket used") { ticket.release() }
                }
                expect<CardBossException.PushRejected>("PushRejected(sms push)") { parseSmsPush("""{"type":"P0003","sign":"$sign"}""") }
                client.close()
            }
        } finally {
            receiver.stop(0)
        }
        println("secrets (sandbox): ${produced.size} strings searched (from $exceptions exceptions and the results), ${signs.size} push sign(s); apikey, halves, wrong apikey, signs: 0 hits")
        assertNoSecret(keyParts + signs)
    }

    // ------------------------------------------------------- a hostile server echoing requests

    /**
     * A server that answers every request badly, echoing the request (URL with its `sign`, and
     * the POST body) in the answer the way a proxy's error page might. Every sign the SDK sent is
     * captured; none may come back out of the SDK.
     */
    @Test
    fun aHostileServerEchoingTheSignNeverMakesItShow() {
        val signs = Collections.synchronizedSet(mutableSetOf<String>())
        var mode = "html502"
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0)
        server.executor = java.util.concurrent.Executors.newCachedThreadPool { r -> Thread(r).apply { isDaemon = true } }
        server.createContext("/") { ex: HttpExchange ->
            val query = ex.requestURI.rawQuery ?: ""
            val form = String(ex.requestBody.readAllBytes(), Charsets.UTF_8)
            val echoed = "${ex.requestMethod} ${ex.requestURI} $form"
            for (part in (query.split("&") + form.split("&"))) {
                val (k, v) = part.split("=", limit = 2).let { it[0] to it.getOrElse(1) { "" } }
                if (k == "sign" && v.isNotEmpty()) signs += URLDecoder.decode(v, Charsets.UTF_8)
            }
            fun answer(status: Int, body: String, type: String = "text/html") {
                val bytes = body.toByteArray()
                ex.responseHeaders.add("Content-Type", type)
                ex.sendResponseHeaders(status, bytes.size.toLong())
                ex.responseBody.use { it.write(bytes) }
            }
            when (mode) {
                "html502" -> answer(502, "<html><body><h1>502 Bad Gateway</h1>upstream failed for $echoed</body></html>")
                "text500" -> answer(500, "Internal error handling $echoed")
                "text200" -> answer(200, "OK $echoed", "text/plain")
                "truncated" -> answer(200, """{"code":"0","msg":"ok","data":{"request":"$echoed""", "application/json")
                "wrongshape" -> answer(200, """{"code":"0","msg":"ok","data":{"cardqty":"$echoed","sid":[1,2]}}""", "application/json")
                "hang" -> {
                    Thread.sleep(1500)
                    runCatching { answer(200, echoed) }
                }
                "close" -> ex.close()
                else -> answer(404, "No handler for $echoed")
            }
        }
        server.start()
        try {
            val base = "http://127.0.0.1:${server.address.port}"
            val config = ClientOptions(
                sid = "10043", apikey = apikey, baseUrl = base, opsUrl = base,
                maxRetries = 1, timeoutMs = 500L, connectTimeoutMs = 2000L, cooldownGuard = false,
                retryBaseMs = 10L, retryCapMs = 20L,
            )
            record("hostile config", config)
            CardBossClient(config).use { c ->
                record("hostile client", c)
                for (m in listOf("html502", "text500", "text200", "truncated", "wrongshape", "hang", "close", "404")) {
                    mode = m
                    attempt("hostile $m GET customer") { c.customer() } ?: fail("$m: the GET succeeded")
                    attempt("hostile $m GET cards") { c.cardDetails(CardSet(msisdns = (0 until 150).map { "10640000%05d".format(it) })) }
                        ?: fail("$m: the batch succeeded")
                    // (A well-formed envelope of the wrong shape may still decode as a receipt.)
                    attempt("hostile $m POST sms") { c.sendIotSms(listOf("1064000000001"), "x") }
                    attempt("hostile $m POST suspend") { c.suspend(CardRef(msisdn = "1064000000001")) }
                    attempt("hostile $m listing") { c.cardFlow().let { f -> buildList { f.collect { add(it) } } } } ?: fail("$m: the listing succeeded")
                }
            }
        } finally {
            server.stop(0)
        }
        assertTrue(signs.size >= 20, "distinct request signs captured: ${signs.size}")
        println("secrets (hostile server echoing requests): ${produced.size} strings searched ($exceptions exceptions), ${signs.size} request signs captured; 0 hits")
        assertNoSecret(keyParts + signs)
    }
}
