package cardboss

import cardboss.testing.Sandbox
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.put
import kotlinx.serialization.json.Json
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.BufferedReader
import java.io.File
import java.io.Writer
import java.nio.file.Paths

/**
 * Issue 18 through the Kotlin binding: push guards and cooldowns shared by worker PROCESSES
 * ([RedisWorker], each its own JVM) through a real redis-server that `scripts/redis.sh` starts on a
 * free loopback port and stops at the end of each test. Mirrors sandbox/tests/guards.rs.
 */
class RedisGuardTest {
    companion object {
        const val SID = "10043"
        const val KEY = "0123456789abcdef0123456789abcdef"
        const val PUSHES = 100
        const val WORKERS = 4

        /** A signed OD1002 push with id [id], as the platform sends it (the core signs it). */
        fun pushBody(id: String, sid: String = SID, apikey: String = KEY): String {
            val data = """{"status":"1","msg":"ok","orderid":"NR1","msisdn":"1064787038023"}"""
            val time = "2024-04-01 10:00:00"
            val desc = "订购成功"
            return buildJsonObject {
                put("sid", sid); put("id", id); put("sn", "OD1002"); put("level", "info"); put("api", "")
                put("time", time); put("data", data); put("desc", desc)
                put("sign", sign(listOf(sid, apikey, id, "OD1002", "info", "", time, data, desc)).uppercase())
            }.toString()
        }
    }

    @TempDir
    lateinit var dir: File
    private val redisDir get() = File(dir, "redis")
    private val workers = mutableListOf<Worker>()

    private fun redis(command: String): String {
        val script = cardboss.repoRoot.resolve("scripts/redis.sh").toString()
        val p = ProcessBuilder("bash", script, command, redisDir.path).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        val out = p.inputStream.bufferedReader().readText().trim()
        check(p.waitFor() == 0) { "scripts/redis.sh $command failed" }
        return out
    }

    @AfterEach
    fun stop() {
        workers.forEach { it.close() }
        redis("stop")
    }

    /** A [RedisWorker] JVM on this JVM's java and classpath; ready once it printed `ready`. */
    private inner class Worker(store: String, sb: Sandbox? = null) : AutoCloseable {
        private val process: Process
        private val stdin: Writer
        private val stdout: BufferedReader

        init {
            val java = Paths.get(System.getProperty("java.home"), "bin", "java").toString()
            val command = listOfNotNull(
                java,
                "-cp", System.getProperty("java.class.path"),
                System.getProperty("jna.library.path")?.let { "-Djna.library.path=$it" },
                RedisWorker::class.java.name,
                store,
            )
            process = ProcessBuilder(command)
                .redirectError(File(dir, "worker${workers.size}.log"))
                .apply {
                    environment()["CARDBOSS_APIKEY"] = sb?.apikey ?: KEY
                    environment()["RUST_BACKTRACE"] = "0"
                    if (sb != null) {
                        environment()["CARDBOSS_SID"] = sb.sid
                        environment()["CARDBOSS_URL"] = sb.baseUrl
                        environment()["CARDBOSS_OPS_URL"] = sb.opsUrl
                    }
                }.start()
            stdin = process.outputStream.writer()
            stdout = process.inputStream.bufferedReader()
            workers += this
            assertEquals("ready", stdout.readLine(), "worker did not start: see ${dir}/worker*.log")
        }

        fun send(command: String) {
            stdin.write(command + "\n")
            stdin.flush()
        }

        /** The result lines of the command sent last. */
        fun results(): List<String> = generateSequence { stdout.readLine() ?: error("worker exited") }
            .takeWhile { it != "done" }.toList()

        fun call(command: String): List<String> = send(command).let { results() }

        override fun close() {
            runCatching { stdin.close() }
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly()
        }
    }

    private fun bodies(name: String, ids: List<String>, sid: String = SID, apikey: String = KEY): File =
        File(dir, name).apply { writeText(ids.joinToString("\n") { pushBody(it, sid, apikey) }) }

    /** `ID RESULT` lines as result -> ids. */
    private fun byResult(lines: List<String>): Map<String, List<String>> =
        lines.map { it.split(' ', limit = 2) }.groupBy({ it[1] }, { it[0] })

    @Test
    fun fourWorkerProcessesAcceptEachPushOnceAndAFailedHandlerIsRetried() = runBlocking<Unit> {
        val url = redis("start")
        val ids = (0 until PUSHES).map { "m$it" }
        val pool = (0 until WORKERS).map { Worker(url) }
        // The platform delivers every push to every worker at once (its retries racing the first),
        // and delivers again what no worker acknowledged: refused as in flight, or with the store
        // unreachable (STORE_UNAVAILABLE: on a loaded runner a Redis answer can exceed 1 s).
        val runs = mutableMapOf<String, Int>()
        val counts = mutableMapOf<String, Int>()
        var pending = ids
        var round = 0
        while (pending.isNotEmpty() && round++ < 5) {
            val file = bodies("pushes$round.txt", pending)
            pool.forEach { it.send("push ${file.path}") }
            val lines = pool.flatMap { it.results() }
            assertEquals(pending.size * WORKERS, lines.size)
            val results = byResult(lines)
            results.forEach { (result, of) -> counts.merge(result, of.size, Int::plus) }
            assertTrue(results.keys.all { it in setOf("accepted", "PUSH_IN_FLIGHT", "PUSH_REPLAY", "STORE_UNAVAILABLE") }, results.keys.toString())
            results["accepted"].orEmpty().forEach { runs.merge(it, 1, Int::plus) }
            val acked = results["accepted"].orEmpty() + results["PUSH_REPLAY"].orEmpty()
            pending = pending.filter { it !in acked }
        }
        assertEquals(ids.toSet(), runs.keys, "every id accepted")
        assertTrue(runs.values.all { it == 1 }, "no id accepted twice: $runs")
        println(
            "figures (Kotlin, $WORKERS processes): $PUSHES pushes to each of $WORKERS workers in $round round(s): " +
                "accepted ${counts["accepted"] ?: 0}, in flight ${counts["PUSH_IN_FLIGHT"] ?: 0}, replays " +
                "${counts["PUSH_REPLAY"] ?: 0}, store unavailable ${counts["STORE_UNAVAILABLE"] ?: 0}, duplicates accepted 0",
        )
        // Later redeliveries, here or on any worker, are replays.
        PushGuard(PushGuardOptions(store = url)).use { here ->
            for (id in ids) assertThrows<CardBossException.PushReplay> { here.begin(pushBody(id), KEY) }
        }

        // A handler that fails on one worker releases its ids: the platform's retry, on another
        // worker, is accepted once; a third delivery is a replay.
        val retried = bodies("retried.txt", (0 until 20).map { "f$it" })
        assertEquals(listOf("failed"), byResult(pool[0].call("fail ${retried.path}")).keys.toList())
        assertEquals(listOf("accepted"), byResult(pool[1].call("push ${retried.path}")).keys.toList())
        assertEquals(listOf("PUSH_REPLAY"), byResult(pool[2].call("push ${retried.path}")).keys.toList())
    }

    @Test
    fun twoWorkerProcessesShareTheCooldownAndRedisStoppedFailsClosed() = runBlocking<Unit> {
        val url = redis("start")
        Sandbox.start(cards = 50, seed = 3, strict = true).use { sb ->
            val cards = quickClient(sb).use { normalCards(it, 2) }
            val (a, b) = Worker(url, sb) to Worker(url, sb)
            assertEquals(listOf("ok"), a.call("suspend ${cards[0]}"))
            // The second process knows of the first's suspend through Redis: refused locally.
            assertEquals(listOf("COOLDOWN"), b.call("suspend ${cards[0]}"))
            assertEquals(1, stopkeeps(sb, cards[0]), "one card/stopkeep reached the sandbox")

            // Mid-run, Redis goes away: a push is not acknowledged (no handler ran) and a suspend
            // is not sent.
            val before = bodies("before.txt", listOf("s0"), sb.sid, sb.apikey)
            assertEquals(listOf("s0 accepted"), a.call("push ${before.path}"))
            redis("stop")
            val after = bodies("after.txt", (1..5).map { "s$it" }, sb.sid, sb.apikey)
            assertEquals(listOf("STORE_UNAVAILABLE"), byResult(a.call("push ${after.path}")).keys.toList())
            assertEquals(listOf("STORE_UNAVAILABLE"), b.call("suspend ${cards[1]}"))
            assertEquals(0, stopkeeps(sb, cards[1]), "nothing sent while the store was unreachable")
            assertEquals(2L, sb.msstatus(cards[1]))
        }
    }

    /** card/stopkeep requests for [card] in the sandbox's ledger (applied or not). */
    private suspend fun stopkeeps(sb: Sandbox, card: String): Int =
        Json.parseToJsonElement(sb.ledger()).jsonArray.map { it.jsonObject }.count { e ->
            e.getValue("endpoint").jsonPrimitive.content.endsWith("card/stopkeep") &&
                e["cards"]?.jsonArray?.any { it.jsonPrimitive.content == card } == true
        }
}
