package cardboss

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Path
import java.nio.file.Paths
import java.time.Duration
import java.util.concurrent.TimeUnit

/** The repository root (surefire sets cardboss.repoRoot; from an IDE, the working directory's parent). */
val repoRoot: Path = Paths.get(System.getProperty("cardboss.repoRoot") ?: "..").toAbsolutePath().normalize()

fun readJson(relative: String): JsonElement = Json.parseToJsonElement(repoRoot.resolve(relative).toFile().readText())

val JsonElement.obj: JsonObject get() = jsonObject
fun JsonElement.str(key: String): String = jsonObject.getValue(key).jsonPrimitive.content

/**
 * A `cardboss-sandbox` process on free ports (docs/CONVENTIONS.md), in strict mode (the SDK never
 * leaves out a key of an id pair): started with `--strict --port1 0 --port2 0`, ready when it
 * prints its JSON ready line. Its admin API is under `baseUrl/_sandbox/`.
 */
class Sandbox(cards: Int = 250, style: String = "example", vararg extra: String) : AutoCloseable {
    private val process: Process
    val baseUrl: String
    val opsUrl: String
    val sid: String
    val apikey: String
    private val http: HttpClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    init {
        val bin = System.getenv("CARDBOSS_SANDBOX_BIN")?.takeIf { it.isNotBlank() }
            ?: repoRoot.resolve("target/debug/cardboss-sandbox").toString()
        check(File(bin).canExecute()) {
            "no sandbox binary at $bin: run `cargo build -p cardboss-sandbox` or set CARDBOSS_SANDBOX_BIN"
        }
        val command = listOf(bin, "--strict", "--port1", "0", "--port2", "0", "--cards", cards.toString(), "--style", style) + extra
        process = ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        Runtime.getRuntime().addShutdownHook(Thread { process.destroyForcibly() })
        val stdout = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8))
        val line = stdout.readLine()
        if (line == null) {
            process.waitFor(5, TimeUnit.SECONDS)
            error("the sandbox exited before its ready line (exit ${runCatching { process.exitValue() }.getOrNull()})")
        }
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        Thread { stdout.use { r -> while (r.readLine() != null) Unit } }.apply { isDaemon = true }.start()
        val ready = Json.parseToJsonElement(line)
        check(ready.str("event") == "ready") { "unexpected first line: $line" }
        baseUrl = ready.str("base_url")
        opsUrl = ready.str("ops_url")
        sid = ready.str("sid")
        apikey = ready.str("apikey")
    }

    /** A client configuration for this sandbox. */
    fun config(
        apikey: String = this.apikey,
        cooldownGuard: Boolean? = null,
        maxRetries: Int? = null,
        timeoutMs: Long? = null,
    ) = ClientOptions(
        sid = sid,
        apikey = apikey,
        baseUrl = baseUrl,
        opsUrl = opsUrl,
        cooldownGuard = cooldownGuard,
        maxRetries = maxRetries,
        timeoutMs = timeoutMs,
    )

    fun client(cooldownGuard: Boolean? = null): CardBossClient = CardBossClient(config(cooldownGuard = cooldownGuard))

    fun adminGet(path: String): JsonElement = admin("GET", path, null)

    fun adminPost(path: String, body: String = "{}"): JsonElement = admin("POST", path, body)

    private fun admin(method: String, path: String, body: String?): JsonElement {
        val request = HttpRequest.newBuilder(URI.create("$baseUrl/_sandbox/$path"))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, if (body == null) HttpRequest.BodyPublishers.noBody() else HttpRequest.BodyPublishers.ofString(body))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "admin $method $path answered ${response.statusCode()}: ${response.body()}" }
        return Json.parseToJsonElement(response.body())
    }

    override fun close() {
        process.destroy()
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}
