// Install smoke (scripts/test-install.sh): the jar and its Maven dependencies as a consumer
// resolves them, run on Debian bullseye with openjdk-17-jre-headless. The same steps as
// smoke.py against the sandbox whose ready line (JSON) is args[0].
import cardboss.CardBossClient
import cardboss.CardBossException
import cardboss.CardSet
import cardboss.ClientOptions
import kotlinx.coroutines.runBlocking

private fun field(json: String, name: String): String =
    Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

fun main(args: Array<String>) = runBlocking {
    val ready = args[0]
    val sid = field(ready, "sid")
    val config = ClientOptions(sid = sid, apikey = field(ready, "apikey"), baseUrl = field(ready, "base_url"), opsUrl = field(ready, "ops_url"))
    CardBossClient(config).use { client ->
        val me = client.customer()
        check(me.sid == sid) { "customer $me" }
        val page = client.listCards(1)
        check(page.cards.isNotEmpty()) { "empty page" }
        val msisdns = mutableListOf<String>()
        var n = 1
        while (msisdns.size < 150) msisdns += client.listCards(n++).cards.map { it.msisdn }
        val wanted = msisdns.take(150)
        val details = client.cardDetails(CardSet(msisdns = wanted))
        check(details.map { it.msisdn } == wanted) { "${details.size} details" }
        val receipt = client.sendIotSms(listOf(wanted[0]), "install smoke")
        check(receipt.count == 1L && receipt.taskid.isNotEmpty()) { "receipt $receipt" }
        val refused = try {
            client.cardDetails(CardSet(msisdns = emptyList()))
            error("an empty card set was accepted")
        } catch (e: CardBossException.InvalidInput) {
            e
        }
        println("java ${System.getProperty("java.version")} cardboss: customer ${me.sid}, ${page.cards.size} cards on page 1, " +
            "${details.size} details, sms task ${receipt.taskid}, refused: ${refused.message}")
    }
}
