// Test helpers: the sandbox process, its admin API, the shared vectors, and assertions on
// thrown CardBossErrors.
import CardBoss
import Foundation
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The environment the tests run in (set by ../../test.sh): the sandbox binary and the folder of
/// tests/vectors.
enum Env {
    static func path(_ name: String, orRepo relative: String) -> String {
        if let v = ProcessInfo.processInfo.environment[name], !v.isEmpty { return v }
        // From a checkout: bindings-kotlin/swift/Tests/CardBossTests/<this file>.
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../..").standardized
        return repo.appendingPathComponent(relative).path
    }

    static let sandboxBin = path("CARDBOSS_SANDBOX_BIN", orRepo: "target/debug/cardboss-sandbox")
    static let vectors = path("CARDBOSS_VECTORS", orRepo: "tests/vectors")
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A `cardboss-sandbox` process on free ports (docs/CONVENTIONS.md): started with
/// `--port1 0 --port2 0`, ready when it prints its JSON ready line. Its admin API is under
/// `baseUrl/_sandbox/`.
final class Sandbox: @unchecked Sendable {
    private let process = Process()
    let baseUrl: String
    let opsUrl: String
    let sid: String
    let apikey: String

    init(cards: Int = 250, style: String = "example", _ extra: String...) throws {
        guard FileManager.default.isExecutableFile(atPath: Env.sandboxBin) else {
            throw TestFailure(
                "no sandbox binary at \(Env.sandboxBin): run `cargo build -p cardboss-sandbox` or set CARDBOSS_SANDBOX_BIN"
            )
        }
        process.executableURL = URL(fileURLWithPath: Env.sandboxBin)
        process.arguments = ["--port1", "0", "--port2", "0", "--cards", String(cards), "--style", style] + extra
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = stdout.fileHandleForReading
        // The ready line, byte by byte up to its newline (nothing else is read here).
        var line = Data()
        while true {
            let byte = reader.readData(ofLength: 1)
            if byte.isEmpty || byte == Data([0x0A]) { break }
            line.append(byte)
        }
        // Keep draining stdout so the sandbox never blocks on a full pipe.
        Thread.detachNewThread {
            while !reader.availableData.isEmpty {}
        }
        guard let ready = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
            ready["event"] as? String == "ready"
        else {
            process.terminate()
            throw TestFailure("unexpected first line of the sandbox: \(String(decoding: line, as: UTF8.self))")
        }
        baseUrl = ready["base_url"] as! String
        opsUrl = ready["ops_url"] as! String
        sid = ready["sid"] as! String
        apikey = ready["apikey"] as! String
    }

    /// A client configuration for this sandbox.
    func config(
        apikey: String? = nil, cooldownGuard: Bool? = nil, maxRetries: Int32? = nil, timeoutMs: Int64? = nil,
        concurrency: Int32? = nil
    ) -> ClientOptions {
        ClientOptions(
            sid: sid, apikey: apikey ?? self.apikey, baseUrl: baseUrl, opsUrl: opsUrl, timeoutMs: timeoutMs,
            maxRetries: maxRetries, concurrency: concurrency, cooldownGuard: cooldownGuard)
    }

    func client(cooldownGuard: Bool? = nil) throws -> CardBossClient {
        try CardBossClient(options: config(cooldownGuard: cooldownGuard))
    }

    func adminGet(_ path: String) async throws -> Any {
        try await admin("GET", path, nil)
    }

    @discardableResult
    func adminPost(_ path: String, _ body: String = "{}") async throws -> Any {
        try await admin("POST", path, body)
    }

    /// The sandbox's record of one card.
    func card(_ id: String) async throws -> [String: Any] {
        try await adminGet("cards/\(id)") as! [String: Any]
    }

    /// Requests received so far, in all or for one endpoint.
    func requests(_ endpoint: String? = nil) async throws -> Int {
        let stats = try await adminGet("stats") as! [String: Any]
        guard let endpoint else { return stats["total"] as? Int ?? 0 }
        return (stats["endpoints"] as? [String: Any])?[endpoint] as? Int ?? 0
    }

    private func admin(_ method: String, _ path: String, _ body: String?) async throws -> Any {
        var request = URLRequest(url: URL(string: "\(baseUrl)/_sandbox/\(path)")!, timeoutInterval: 10)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw TestFailure("admin \(method) \(path) answered \(status): \(String(decoding: data, as: UTF8.self))")
        }
        return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    }

    /// SIGTERM; the sandbox shuts down gracefully, waiting for open connections, so after 5 s of
    /// that it gets SIGKILL.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// The cases of a file of tests/vectors.
func vectors(_ file: String) throws -> [[String: Any]] {
    let data = try Data(contentsOf: URL(fileURLWithPath: Env.vectors).appendingPathComponent(file))
    let cases = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    XCTAssertFalse(cases.isEmpty, "\(file) has no cases")
    return cases
}

/// The CardBossError that `call` throws; fails the test when it throws nothing or another error.
func failure<T>(
    _ call: () async throws -> T, file: StaticString = #filePath, line: UInt = #line
) async -> CardBossError {
    do {
        let value = try await call()
        XCTFail("no error thrown; got \(value)", file: file, line: line)
    } catch let e as CardBossError {
        return e
    } catch {
        XCTFail("a CardBossError expected, got \(error)", file: file, line: line)
    }
    // Some CardBossError must be returned: a real one, from the binding's own panic test hook.
    do { try debugPanic(message: "no CardBossError was thrown") } catch let e as CardBossError { return e } catch {}
    fatalError("debugPanic threw no CardBossError")
}

/// The sandbox's month (`yyyyMM`) and day (`yyyyMMdd`) on the platform's clock.
var thisMonth: String { String(timestamp().prefix(6)) }
var today: String { String(timestamp().prefix(8)) }

/// Months to renew a package for, as the platform allows for its category.
func renewalMonths(_ pkg: Package) -> Int32 {
    switch pkg.pkgcategory {
    case 1: return 12
    case 2: return Int32(pkg.buycycle)
    default: return 1
    }
}

/// Fails the test unless `call` throws a CardBossError with this code.
func assertFails<T>(
    _ code: String, file: StaticString = #filePath, line: UInt = #line, _ call: () async throws -> T
) async {
    let e = await failure(call, file: file, line: line)
    XCTAssertEqual(e.info().code, code, "\(e)", file: file, line: line)
}
