package cardboss

import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import java.io.File

/**
 * One push receiver of [RedisGuardTest], in its own JVM: a [PushGuard] on the Redis at `args[0]`,
 * and (for `suspend`) a client of the sandbox that `CARDBOSS_*` name whose cooldowns live in the
 * same Redis. It prints `ready`, then runs the commands read from stdin, one a line, each answered
 * by result lines and `done`:
 *   `push FILE` / `fail FILE`  every body of FILE (one a line) at once through `guard.handle`, with a
 *                              handler that succeeds / throws; a line `ID RESULT` each, RESULT being
 *                              `accepted`, `failed` (handler threw, id released) or an error code;
 *   `suspend CARD`             `ok` or the error code.
 */
object RedisWorker {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val store = args[0]
        val apikey = System.getenv("CARDBOSS_APIKEY")
        val guard = PushGuard(PushGuardOptions(store = store))
        val client by lazy { CardBossClient.fromEnv(ClientOptions(cooldownStore = store)) }
        println("ready")
        while (true) {
            val (command, arg) = (readLine() ?: break).split(' ', limit = 2)
            when (command) {
                "push", "fail" -> File(arg).readLines().filter { it.isNotBlank() }.map { body ->
                    async {
                        val id = verifyPush(body, apikey).id
                        val result = try {
                            guard.handle(body, apikey) { if (command == "fail") error("the hand-off failed") else "accepted" }
                        } catch (e: CardBossException) {
                            e.info().code
                        } catch (e: IllegalStateException) {
                            "failed"
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
