package cardboss

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** A Rust panic becomes an exception; the JVM lives on. */
class PanicTest {
    @Test
    fun panicBecomesInternalException() {
        val e = assertThrows<CardBossException.Internal> { debugPanic("boom in a sync call") }
        assertEquals("INTERNAL", e.info().code)
        assertTrue(e.info().msg.contains("boom in a sync call"), e.info().msg)
    }

    @Test
    fun panicInAsyncCallBecomesInternalException() {
        val e = assertThrows<CardBossException.Internal> { runBlocking { debugPanicAsync("boom in a suspend call") } }
        assertTrue(e.info().msg.contains("boom in a suspend call"), e.info().msg)
        runBlocking { debugPanicAsync("") } // and the runtime still works afterwards
    }

    @Test
    fun panicOutsideOurGuardIsStillAnException() {
        // UniFFI's own boundary catches what escapes ours.
        val e = assertThrows<InternalException> { debugPanicUnguarded("boom without a guard") }
        assertTrue(e.message!!.contains("boom without a guard"), e.message)
    }

    @Test
    fun manyPanicsThenNormalCalls() {
        repeat(5) { assertThrows<CardBossException.Internal> { debugPanic("again $it") } }
        assertEquals(32, sign(listOf("a")).length)
    }
}
