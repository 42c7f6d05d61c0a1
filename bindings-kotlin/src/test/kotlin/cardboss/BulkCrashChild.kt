package cardboss

import kotlinx.coroutines.runBlocking
import java.io.File

/**
 * The process [BulkFaultTest] kills: a bulk suspend of the cards listed in `args[1]` (one per
 * line) with the journal `args[0]`, against the sandbox that `CARDBOSS_SID`, `CARDBOSS_APIKEY`,
 * `CARDBOSS_URL` and `CARDBOSS_OPS_URL` name (the parent's). Two requests in flight at a time, so
 * that the run is still going when the parent sees its first outcomes in the journal.
 */
object BulkCrashChild {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking {
        val cards = File(args[1]).readLines().filter { it.isNotBlank() }
        CardBossClient.fromEnv(ClientOptions(retryBaseMs = 5, retryCapMs = 50)).use { client ->
            val report = client.bulk("suspend", CardSet(msisdns = cards), BulkSettings(journal = args[0], concurrency = 2))
            println("finished before the kill: $report")
        }
    }
}
