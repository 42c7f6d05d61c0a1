// PushReceiver.kt for real: the Ktor app on a loopback port (CIO), the sandbox (inside this JVM)
// as the platform, posting signed pushes to it and sending again what was not acknowledged.
package example

import cardboss.CardBossClient
import cardboss.CardRef
import cardboss.Push
import cardboss.PushGuard
import cardboss.PushGuardOptions
import cardboss.SmsPush
import cardboss.renewalResult
import cardboss.replies
import cardboss.sign
import cardboss.testing.Sandbox
import cardboss.usageWarnings
import io.ktor.server.cio.CIO
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.applicationEnvironment
import io.ktor.server.engine.connector
import io.ktor.server.engine.embeddedServer
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.boolean
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.slf4j.Marker
import org.slf4j.event.Level
import org.slf4j.helpers.LegacyAbstractLogger
import org.slf4j.helpers.MessageFormatter
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.ZoneOffset
import java.time.ZonedDateTime
import java.time.format.DateTimeFormatter
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PushReceiverTest {
    /** The events the app recorded, with hooks for the tests: fail once, hold, after-answer gates. */
    private inner class Events : PushEvents {
        val handled = ConcurrentHashMap<String, AtomicInteger>()
        val calls = AtomicInteger()
        val pushes = Channel<Push>(Channel.UNLIMITED)
        val sms = Channel<SmsPush>(Channel.UNLIMITED)
        @Volatile var failNext: String? = null
        @Volatile var hold: Pair<CompletableDeferred<Push>, CompletableDeferred<Unit>>? = null
        val followUps = ConcurrentHashMap<String, Pair<CompletableDeferred<Unit>, CompletableDeferred<Unit>>>()

        fun count(id: String) = handled[id]?.get() ?: 0

        override suspend fun record(push: Push) {
            calls.incrementAndGet()
            failNext?.let { sn ->
                if (push.sn == sn) {
                    failNext = null
                    throw IllegalStateException("the event store is down (on purpose)")
                }
            }
            hold?.let { (entered, release) ->
                hold = null
                entered.complete(push)
                release.await()
            }
            handled.computeIfAbsent(push.id) { AtomicInteger() }.incrementAndGet()
            pushes.send(push)
        }

        override suspend fun recordSms(push: SmsPush) {
            sms.send(push)
        }

        override suspend fun followUp(push: Push) {
            val (gate, done) = followUps[push.id] ?: return
            gate.await()
            done.complete(Unit)
        }
    }

    /** What the app logged (its `call.application.log`), to look at refusals and for secrets. */
    private class RecordingLogger : LegacyAbstractLogger() {
        val lines = ConcurrentLinkedQueue<String>()
        override fun getName() = "push-receiver-test"
        override fun isTraceEnabled() = false
        override fun isDebugEnabled() = false
        override fun isInfoEnabled() = true
        override fun isWarnEnabled() = true
        override fun isErrorEnabled() = true
        override fun getFullyQualifiedCallerName(): String? = null
        override fun handleNormalizedLoggingCall(level: Level, marker: Marker?, msg: String?, args: Array<out Any?>?, t: Throwable?) {
            lines += "$level ${MessageFormatter.basicArrayFormat(msg, args)}" + (t?.let { " | $it" } ?: "")
        }
    }

    private lateinit var sandbox: Sandbox
    private lateinit var client: CardBossClient
    private val events = Events()
    private val log = RecordingLogger()
    private lateinit var app: EmbeddedServer<*, *>
    private lateinit var down: EmbeddedServer<*, *>
    private lateinit var appUrl: String
    private lateinit var downUrl: String
    private val http = HttpClient.newHttpClient()

    private fun start(guard: PushGuard, events: PushEvents): Pair<EmbeddedServer<*, *>, String> = runBlocking {
        val server = embeddedServer(CIO, applicationEnvironment { log = this@PushReceiverTest.log }, {
            connector { host = "127.0.0.1"; port = 0 }
        }) { pushReceiver(guard, sandbox.sid, sandbox.apikey, events) }
        server.startSuspend(wait = false)
        server to "http://127.0.0.1:${server.engine.resolvedConnectors().first().port}"
    }

    @BeforeAll
    fun startAll() {
        sandbox = Sandbox.start(cards = 50, strict = true)
        admin("config", """{"balance": 100000}""")
        client = sandbox.client()
        start(PushGuard(), events).let { (s, url) -> app = s; appUrl = url }
        // The same app with its guard's store down: nothing can be checked, so nothing is handled.
        start(PushGuard(PushGuardOptions(store = "redis://127.0.0.1:1/0")), events).let { (s, url) -> down = s; downUrl = url }
        runBlocking {
            sandbox.setPushUrl(appUrl + PUSH_PATH)
            sandbox.setSmsPushUrl(appUrl + SMS_PUSH_PATH)
        }
    }

    @AfterAll
    fun stopAll() {
        app.stop(0, 1000)
        down.stop(0, 1000)
        val apikey = sandbox.apikey
        client.close()
        sandbox.close()
        println("the app logged:\n" + log.lines.joinToString("\n"))
        val leaked = log.lines.filter { it.contains(apikey, ignoreCase = true) }
        assertTrue(leaked.isEmpty(), "the apikey was logged: $leaked")
    }

    private fun admin(path: String, body: String) {
        val request = HttpRequest.newBuilder(URI.create("${sandbox.baseUrl}/_sandbox/$path"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build()
        val answer = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(answer.statusCode() == 200) { "admin $path: ${answer.statusCode()} ${answer.body()}" }
    }

    private suspend fun post(url: String, body: String): HttpResponse<String> = http.sendAsync(
        HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString(),
    ).await()

    /** The sandbox's record of the data push [id] once its delivery is over (acknowledged). */
    private suspend fun delivered(id: String): JsonObject = withTimeout(20_000) {
        while (true) {
            val record = Json.parseToJsonElement(sandbox.pushes()).jsonArray.map { it.jsonObject }
                .firstOrNull { it["body"]?.jsonObject?.get("id")?.jsonPrimitive?.content == id }
            if (record != null && record.getValue("delivered").jsonPrimitive.boolean) return@withTimeout record
            delay(20) // polls the sandbox's record: the condition, not a guess at a delay
        }
        @Suppress("UNREACHABLE_CODE") error("unreachable")
    }

    /** The body the sandbox sent for push [id] (its fields, as a JSON object). */
    private fun bodyOf(record: JsonObject): String = record.getValue("body").toString()

    private suspend fun nextPush(what: String, match: (Push) -> Boolean): Push = withTimeout(20_000) {
        while (true) {
            val push = events.pushes.receive()
            if (match(push)) return@withTimeout push
        }
        @Suppress("UNREACHABLE_CODE") error("no $what")
    }

    private suspend fun renewalConfirmed(index: Int): Push {
        val card = client.listCards(1).cards[index]
        val pkg = client.packages(CardRef(msisdn = card.msisdn)).pkgs.first { it.mainpkg }
        val months = when (pkg.pkgcategory) { 1L -> 12; 2L -> pkg.buycycle.toInt(); else -> 1 }
        val order = client.renew(CardRef(msisdn = card.msisdn), pkg.pkgcode, months)
        sandbox.approveOrder(order.orderid)
        return nextPush("OD1002 for ${order.orderid}") { it.content.renewalResult?.orderid == order.orderid }
    }

    @Test
    fun renewalConfirmedIsHandledOnceAndItsReplayIsAcknowledgedWithoutTheHandler() = runBlocking<Unit> {
        val push = renewalConfirmed(3)
        assertEquals("OD1002", push.sn)
        val record = delivered(push.id)
        assertEquals(1, record.getValue("attempts").jsonPrimitive.int)
        assertEquals(1, events.count(push.id))

        // The platform sends it again (it missed our answer): acknowledged, the handler not run.
        val calls = events.calls.get()
        val replay = post(appUrl + PUSH_PATH, bodyOf(record))
        assertEquals(200, replay.statusCode())
        assertEquals("success", replay.body())
        assertTrue(replay.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"))
        assertEquals(calls, events.calls.get(), "a replay ran the handler")
        assertEquals(1, events.count(push.id))

        // Forged (the data changed after signing): 400, logged with the reason, handler not run.
        val fields = Json.parseToJsonElement(bodyOf(record)).jsonObject
        val forged = JsonObject(fields + ("desc" to JsonPrimitive("forged")))
        val refused = post(appUrl + PUSH_PATH, forged.toString())
        assertEquals(400, refused.statusCode())
        assertTrue(refused.body().isNotBlank() && refused.body() != "success", refused.body())
        assertEquals(calls, events.calls.get(), "a forged push ran the handler")
        assertTrue(log.lines.any { it.startsWith("WARN") && it.contains(PUSH_PATH) && it.contains(" 400: ") }, log.lines.toString())

        // The store down: 503 (the platform sends it again), the handler not run.
        val unchecked = post(downUrl + PUSH_PATH, bodyOf(record))
        assertEquals(503, unchecked.statusCode(), unchecked.body())
        assertEquals(calls, events.calls.get(), "the handler ran with the store down")
    }

    @Test
    fun aWarningWhoseHandlerFailsOnceIsRetriedAndHandledOnce() = runBlocking<Unit> {
        val card = client.listCards(1).cards[5]
        events.failNext = "OD1010"
        sandbox.sendWarning(card.msisdn, 11)
        val push = nextPush("OD1010 for ${card.msisdn}") { p -> p.content.usageWarnings.orEmpty().any { it.msisdn == card.msisdn } }
        assertEquals(null, events.failNext, "the first delivery did not fail")
        val record = delivered(push.id)
        assertEquals(2, record.getValue("attempts").jsonPrimitive.int, record.toString())
        assertEquals(1, events.count(push.id))
        // Ktor answered the failed attempt 500 and logged the handler's exception.
        assertTrue(record.getValue("last_error").jsonPrimitive.content.startsWith("HTTP 500"), record.toString())
    }

    @Test
    fun aDuplicateWhileThePushIsInFlightGets409() = runBlocking<Unit> {
        val card = client.listCards(1).cards[7]
        val entered = CompletableDeferred<Push>()
        val release = CompletableDeferred<Unit>()
        events.hold = entered to release
        sandbox.sendWarning(card.msisdn, 21)
        val held = withTimeout(20_000) { entered.await() }
        val body = Json.parseToJsonElement(sandbox.pushes()).jsonArray.map { it.jsonObject }
            .first { it["body"]?.jsonObject?.get("id")?.jsonPrimitive?.content == held.id }.let(::bodyOf)
        val duplicate = post(appUrl + PUSH_PATH, body)
        assertEquals(409, duplicate.statusCode(), duplicate.body())
        release.complete(Unit)
        val record = delivered(held.id)
        assertEquals(1, record.getValue("attempts").jsonPrimitive.int)
        assertEquals(1, events.count(held.id))
    }

    @Test
    fun afterRunsOnceTheAnswerWasReceived() = runBlocking<Unit> {
        val id = "after-" + System.nanoTime()
        val answered = CompletableDeferred<Unit>()
        val done = CompletableDeferred<Unit>()
        events.followUps[id] = answered to done
        val answer = post(appUrl + PUSH_PATH, signedRenewal(id))
        // The answer came while `after` was still waiting: the platform never waits for it.
        assertEquals(200, answer.statusCode())
        assertEquals("success", answer.body())
        assertFalse(done.isCompleted)
        assertEquals(1, events.count(id))
        answered.complete(Unit)
        withTimeout(20_000) { done.await() }
    }

    @Test
    fun anSmsReplyIsHandled() = runBlocking<Unit> {
        val card = client.listCards(1).cards[9]
        sandbox.upstreamSms(card.msisdn, "reply from the device")
        val reply = withTimeout(20_000) {
            var found: cardboss.SmsReply? = null
            while (found == null) found = events.sms.receive().replies?.firstOrNull { it.mobile == card.msisdn }
            found
        }
        assertEquals("reply from the device", reply.content)
        // A body that is not an SMS push: 400 with the reason.
        val bad = post(appUrl + SMS_PUSH_PATH, """{"type":"P0003","data":"[]"}""")
        assertEquals(400, bad.statusCode())
        assertTrue(bad.body().isNotBlank() && bad.body() != "success")
    }

    /** An OD1002 push with [id], signed as the platform signs it (for a POST of our own). */
    private fun signedRenewal(id: String): String {
        val sid = sandbox.sid
        val data = """{"status":"1","msg":"ok","orderid":"NR-$id","msisdn":"1064787038023"}"""
        val time = ZonedDateTime.now(ZoneOffset.ofHours(8)).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
        val desc = "订购成功"
        val signature = sign(listOf(sid, sandbox.apikey, id, "OD1002", "info", "", time, data, desc)).uppercase()
        return buildJsonObject {
            for ((k, v) in listOf("sid" to sid, "id" to id, "sn" to "OD1002", "level" to "info", "api" to "",
                "time" to time, "data" to data, "desc" to desc, "sign" to signature)) put(k, JsonPrimitive(v))
        }.toString()
    }
}
