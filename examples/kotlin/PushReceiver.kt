// A CardBOSS push receiver on Ktor: data pushes (OD1002 renewal results, OD1010 usage warnings)
// verified and handled once each, SMS pushes (P0001 reports, P0002 replies) parsed; every answer
// is the SDK's. Run it with
//
//     CARDBOSS_SID=10043 CARDBOSS_APIKEY=… PORT=8080 [CARDBOSS_PUSH_STORE=redis://…] java … example.PushReceiverKt
//
// and give the platform http://HOST:8080/cardboss/push and http://HOST:8080/cardboss/sms.
// Compiled and tested (PushReceiverTest.kt, against the sandbox) by bindings-kotlin's Maven build.
package example

import cardboss.Push
import cardboss.PushGuard
import cardboss.PushGuardOptions
import cardboss.PushOptions
import cardboss.SmsPush
import cardboss.ktor.cardbossPush
import cardboss.ktor.cardbossSmsPush
import cardboss.renewalResult
import cardboss.replies
import cardboss.reports
import cardboss.usageWarnings
import io.ktor.server.application.Application
import io.ktor.server.cio.CIO
import io.ktor.server.engine.embeddedServer
import io.ktor.server.routing.routing

const val PUSH_PATH = "/cardboss/push"
const val SMS_PUSH_PATH = "/cardboss/sms"

/** Where the receiver puts what the platform sent: your database or queue. */
interface PushEvents {
    /** Records a data push durably, and quickly: the platform wants its answer within 5
     *  seconds. Throw when it could not be recorded: the platform sends the push again. */
    suspend fun record(push: Push)

    /** Records an SMS push (P0001 delivery reports, P0002 replies). */
    suspend fun recordSms(push: SmsPush)

    /** The slow part (notify someone, sync a system), run once the platform has its answer;
     *  a failure here is logged, not retried. */
    suspend fun followUp(push: Push) {}
}

/** The receiver's routes: pushes for account [sid], signed with [apikey], each handled once
 *  through [guard] (share a Redis store between workers: `PushGuardOptions(store = "redis://…")`). */
fun Application.pushReceiver(guard: PushGuard, sid: String, apikey: String, events: PushEvents) {
    // Refuse pushes for another account, or older than 10 minutes.
    val options = PushOptions(expectedSid = sid, maxAgeMs = 600_000)
    routing {
        cardbossPush(PUSH_PATH, guard, apikey, options, after = { events.followUp(it) }) { push ->
            events.record(push)
        }
        cardbossSmsPush(SMS_PUSH_PATH) { push -> events.recordSms(push) }
    }
}

/** Events printed on stdout: stands in for your store. */
object PrintedEvents : PushEvents {
    override suspend fun record(push: Push) {
        push.content.renewalResult?.let { println("order ${it.orderid} for ${it.msisdn}: status ${it.status}") }
        push.content.usageWarnings?.forEach { println("card ${it.msisdn}: warning ${it.warningType}") }
    }

    override suspend fun recordSms(push: SmsPush) {
        push.reports?.forEach { println("SMS ${it.taskid} to ${it.mobile}: ${it.state}") }
        push.replies?.forEach { println("SMS from ${it.mobile}: ${it.content}") }
    }
}

fun main() {
    fun env(name: String): String = System.getenv(name)?.takeIf { it.isNotBlank() } ?: error("set $name")
    val sid = env("CARDBOSS_SID")
    val apikey = env("CARDBOSS_APIKEY")
    val port = System.getenv("PORT")?.toInt() ?: 8080
    // null: the memory store (one process); redis://… for several workers.
    val guard = PushGuard(PushGuardOptions(store = System.getenv("CARDBOSS_PUSH_STORE")))
    embeddedServer(CIO, port = port, host = "0.0.0.0") {
        pushReceiver(guard, sid, apikey, PrintedEvents)
    }.start(wait = true)
}
