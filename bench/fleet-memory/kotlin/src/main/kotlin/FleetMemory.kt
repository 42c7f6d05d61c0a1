// One fleet sync through the Kotlin package, for bench/fleet-memory.sh: default options, the
// records counted and dropped (so that what stays is the SDK's), the report checked.
// Arguments: BASE_URL OPS_URL SID APIKEY CARDS. Prints one JSON line; exits 1 if the sync is
// not complete with exactly CARDS cards.
import cardboss.CardBossClient
import cardboss.ClientConfig
import cardboss.FleetSyncOptions
import cardboss.asFlow
import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val (baseUrl, opsUrl, sid, apikey, cards) = args
    val started = System.nanoTime()
    val (delivered, report) = runBlocking {
        CardBossClient(ClientConfig(sid = sid, apikey = apikey, baseUrl = baseUrl, opsUrl = opsUrl)).use { client ->
            val sync = client.fleetSync(FleetSyncOptions())
            var n = 0L
            sync.asFlow().collect { n += it.size }
            n to sync.report()
        }
    }
    val ok = report.complete && report.cards == delivered && delivered == cards.toLong() && report.duplicates == 0L
    val secs = (System.nanoTime() - started) / 10_000_000 / 100.0
    println("""{"lang": "kotlin", "cards": $delivered, "requests": ${report.requests}, "secs": $secs, "ok": $ok}""")
    exitProcess(if (ok) 0 else 1)
}
