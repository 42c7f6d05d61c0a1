package cardboss

import cardboss.core.PushOptions
import cardboss.testing.Sandbox
import com.sun.net.httpserver.HttpServer
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.fail
import java.net.InetSocketAddress
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** OD1010: every documented warning type (spec 4.2) arrives from the sandbox as its named
 *  `WarningType` (`UsageWarning.kind`). */
class WarningTypesTest {
    private val documented = linkedMapOf(
        11 to WarningType.DATA_LOW, 12 to WarningType.VOICE_LOW, 13 to WarningType.SMS_LOW,
        14 to WarningType.CONNECTIONS_LOW, 15 to WarningType.POOL_CARD_AT_QUOTA,
        21 to WarningType.DATA_EXCEEDED, 22 to WarningType.VOICE_EXCEEDED, 23 to WarningType.SMS_EXCEEDED,
        24 to WarningType.CONNECTIONS_EXCEEDED, 31 to WarningType.PACKAGE_EXPIRING,
        32 to WarningType.PACKAGE_EXPIRED, 41 to WarningType.NO_PACKAGE, 42 to WarningType.CARD_EXPIRING,
        51 to WarningType.SUSPENDED_AT_QUOTA,
    )

    @Test
    fun everyDocumentedTypeArrivesNamed() = runBlocking<Unit> {
        assertEquals(documented.values.toList(), WarningType.entries.toList())
        val bodies = LinkedBlockingQueue<ByteArray>()
        val server = HttpServer.create(InetSocketAddress("127.0.0.1", 0), 0).apply {
            createContext("/push") { exchange ->
                bodies.add(exchange.requestBody.readAllBytes())
                val ack = PUSH_ACK.toByteArray()
                exchange.sendResponseHeaders(200, ack.size.toLong())
                exchange.responseBody.use { it.write(ack) }
            }
            start()
        }
        try {
            Sandbox.start(cards = 2, strict = true).use { sb ->
                sb.setPushUrl("http://127.0.0.1:${server.address.port}/push")
                val msisdn = sb.client().listCards(1).cards[0].msisdn
                for ((code, type) in documented) {
                    sb.sendWarning(msisdn, code)
                    val body = bodies.poll(20, TimeUnit.SECONDS) ?: fail("no OD1010 push for $code")
                    val push = verifyPush(body, sb.apikey, PushOptions(expectedSid = sb.sid))
                    val warning = push.content.usageWarnings!!.single()
                    assertEquals(code.toLong(), warning.warningType)
                    assertEquals(type, warning.kind)
                    assertEquals(msisdn, warning.msisdn)
                }
            }
        } finally {
            server.stop(0)
        }
        assertNull(UsageWarning(
            id = "", date = "", mon = "", msisdn = "", iccid = "", imei = "", equipment = "", warningType = 99,
            planname = "", total = 0.0, usage = 0.0, outflow = 0.0, extra = emptyMap(),
        ).kind)
    }
}
