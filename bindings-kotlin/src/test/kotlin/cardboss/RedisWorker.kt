package cardboss

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withPermit
import java.io.File

/**
 * One push receiver of [RedisGuardTest], in its own JVM: a [PushGuard] on the Redis at `args[0]`,
 * and (for `suspend`) a client of the sandbox that `CARDBOSS_*` name whose cooldowns live in the
 * same Redis. It prints `ready`, then runs the commands read from stdin, one a line, each answered
 * by result lines and `done`:
 *   `push FILE` / `fail FILE`  every body of FILE (one a line) at once through `guard.handle`, with a
 *                              handler that succeeds / throws; a line `ID RESULT` each, RESULT being
 *                              `accepted`, `failed` (handler threw, id released), an error code,
 *                              or `ran+CODE` (the handler ran, then the commit failed);
 *   `suspend CARD`             `ok` or the error code.
 */
object RedisWorker {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val store = args[0]
        val apikey = System.getenv("CARDBOSS_APIKEY")
        val guard = PushGuard(PushGuardOptions(store = store))
        val client by lazy { CardBossClient.fromEnv(ClientOptions(cooldownStore = store)) }
        // A receiver handles a few pushes at a time (as a server's worker pool would); all at once,
        // on a loaded 2-core runner, some Redis answers take longer than the core's 1 s timeout.
        val inFlight = Semaphore(8)
        println("ready")
        while (true) {
            val (command, arg) = (readLine() ?: break).split(' ', limit = 2)
            when (command) {
                "push", "fail" -> File(arg).readLines().filter { it.isNotBlank() }.map { body ->
                    async {
                        val id = verifyPush(body, apikey).id
                        var ran = false
                        val result = inFlight.withPermit {
                            try {
                                guard.handle(body, apikey) {
                                    ran = true
                                    if (command == "fail") error("the hand-off failed") else "accepted"
                                }
                            } catch (e: CardBossException) {
                                // The handler ran but the commit failed: say so, it must not be missed.
                                if (ran) "ran+${e.info().code}" else e.info().code
                            } catch (e: IllegalStateException) {
                                "failed"
                            }
                        }
                        "$id $result"
                    }
                }.awaitAll().forEach(::println)
                "suspend" -> println(
                    try {
                        client.suspend(CardRef(msisdn = arg))
                        "ok"
                    } catch (e: CardBossException) {
                        e.info().code
                    },
                )
                else -> println("unknown command $command")
            }
            println("done")
        }
        guard.close()
    }
}
