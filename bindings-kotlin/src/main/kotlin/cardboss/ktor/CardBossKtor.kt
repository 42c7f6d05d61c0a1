// Push receivers for Ktor (server 3.x): the route answers what the core decides (`PushReply`),
// nothing is worded or numbered here. Ktor is an optional dependency of this artifact: these
// helpers are for applications that have Ktor's server core already.
package cardboss.ktor

import cardboss.Push
import cardboss.PushGuard
import cardboss.PushOptions
import cardboss.PushReply
import cardboss.SmsPush
import cardboss.receive
import cardboss.receiveSmsPush
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.log
import io.ktor.server.request.RequestAlreadyConsumedException
import io.ktor.server.request.receive
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.post
import kotlinx.coroutines.launch
import kotlin.coroutines.cancellation.CancellationException

/**
 * A data push receiver (OD1002 renewal results, OD1010 usage warnings) at `POST path`: each push
 * is verified against [apikey] on its raw body and handled once through [guard]
 * ([PushGuard.receive]); the answer is the core's [PushReply] as `text/plain` (`success`; a
 * replay is acknowledged again without running [handler]; 400 forged, 409 in flight elsewhere,
 * 503 store down). Refusals are logged at warning level on `call.application.log` with the
 * reply's reason (never the apikey).
 *
 * [handler] should only record the event durably: the platform wants `success` within 5
 * seconds. When it throws, the id is released and the exception goes on to Ktor (which logs it
 * and answers 500): the platform sends the push again, and that retry is handled. [after], if
 * given, runs once the answer was sent, in the application's scope (slow work; its failures are
 * logged and not retried).
 *
 * ```kotlin
 * val guard = PushGuard()                      // PushGuard(PushGuardOptions(store = "redis://…"))
 * routing {
 *     cardbossPush("/cardboss/push", guard, apikey, PushOptions(expectedSid = sid)) { push ->
 *         events.record(push)                  // durable, quick
 *     }
 * }
 * ```
 */
fun Route.cardbossPush(
    path: String,
    guard: PushGuard,
    apikey: String,
    options: PushOptions? = null,
    after: (suspend (Push) -> Unit)? = null,
    handler: suspend (Push) -> Unit,
): Route = post(path) {
    val body = call.rawPushBody(path)
    var handled: Push? = null
    val reply = guard.receive(body, apikey, options) { push ->
        handler(push)
        handled = push
    }
    call.answer(path, reply)
    val push = handled
    if (after != null && push != null) call.runAfter(path) { after(push) }
}

/**
 * An SMS push receiver (3.5.6: P0001 delivery reports, P0002 replies) at `POST path`. SMS
 * pushes carry no signature and no id: the body is parsed by the core (a bad one is answered 400
 * with the reason, and logged), [handler] runs, and the answer is `success`. When [handler]
 * throws, the exception goes on to Ktor (500): the platform sends the push again. [after], if
 * given, runs once the answer was sent, as for [cardbossPush].
 */
fun Route.cardbossSmsPush(
    path: String,
    after: (suspend (SmsPush) -> Unit)? = null,
    handler: suspend (SmsPush) -> Unit,
): Route = post(path) {
    val body = call.rawPushBody(path)
    var handled: SmsPush? = null
    val reply = receiveSmsPush(body) { push ->
        handler(push)
        handled = push
    }
    call.answer(path, reply)
    val push = handled
    if (after != null && push != null) call.runAfter(path) { after(push) }
}

/** The body exactly as sent: the signature covers the fields as the platform wrote them. */
private suspend fun ApplicationCall.rawPushBody(path: String): ByteArray =
    try {
        receive<ByteArray>()
    } catch (e: RequestAlreadyConsumedException) {
        throw IllegalStateException(
            "CardBOSS push route $path: the request body was already read before the push helper could; " +
                "mount cardbossPush/cardbossSmsPush on a route where nothing receives the body first " +
                "(or install DoubleReceive), so that the signature is checked on the raw bytes",
            e,
        )
    }

private suspend fun ApplicationCall.answer(path: String, reply: PushReply) {
    reply.reason?.let { application.log.warn("CardBOSS push on {} answered {}: {}", path, reply.status, it) }
    respondText(reply.body, ContentType.Text.Plain, HttpStatusCode.fromValue(reply.status))
}

/** Runs [block] in the application's scope, after the answer (already written) was sent. */
private fun ApplicationCall.runAfter(path: String, block: suspend () -> Unit) {
    val log = application.log
    application.launch {
        try {
            block()
        } catch (e: CancellationException) {
            throw e
        } catch (e: Throwable) {
            log.error("CardBOSS push on $path: the after-answer work failed (not retried)", e)
        }
    }
}
