import CardBoss
import Foundation
import XCTest

/// Secrets never leak: the client is exercised broadly (successes, every kind of failure, push
/// verification), and every string Swift can make of what it produces — `description`,
/// `debugDescription` (`String(reflecting:)`), `dump()`, `localizedDescription` and the errors'
/// fields — is searched for the apikey, its two halves (the AES key and IV of encrypted SMS), a
/// wrong apikey used, and the push's sign.
final class SecretsTests: XCTestCase {
    /// A distinctive apikey, so that a hit cannot be a coincidence.
    private let apikey = "Zq7Wx9Lm2Np4Rt6Vb8Yc0DfGhJkPsTuE"
    private let wrongApikey = "Kv3Hs5Jd7Fg9Ql1Wz2Xc4Vb6Nm8Mp0Ry"

    /// Every string produced, with where it came from.
    private var produced: [(String, String)] = []
    private var errors = 0

    private func record(_ label: String, _ value: Any) {
        var dumped = ""
        dump(value, to: &dumped)
        produced += [(label, "\(value)"), ("\(label) reflecting", String(reflecting: value)), ("\(label) dump", dumped)]
        if let e = value as? CardBossError {
            errors += 1
            produced += [
                ("\(label).localizedDescription", e.localizedDescription), ("\(label).msg", e.info().msg),
                ("\(label).detail", e.info().detail), ("\(label).endpoint", e.info().endpoint ?? ""),
            ]
        }
    }

    /// Runs `call`, recording its result or its error; returns the error, if any.
    @discardableResult
    private func attempt<T>(_ label: String, _ call: () async throws -> T) async -> Error? {
        do {
            record(label, try await call())
            return nil
        } catch {
            record(label, error)
            return error
        }
    }

    private func expect(_ label: String, _ code: String, _ call: () async throws -> some Any) async {
        let e = await attempt(label, call)
        XCTAssertEqual((e as? CardBossError)?.info().code, code, "\(label): \(String(describing: e))")
    }

    func testCallsErrorsAndPushesNeverShowTheApikeyOrASign() async throws {
        let receiver = try PushReceiver()
        defer { receiver.stop() }
        let s = try Sandbox(cards: 120, style: "example", "--apikey", apikey, "--push-url", receiver.url("/push"))
        defer { s.stop() }
        XCTAssertEqual(s.apikey, apikey)
        try await s.adminPost("config", #"{"balance": 100000}"#)
        let config = s.config()
        record("config", config)
        record("config(unguarded)", s.config(cooldownGuard: false, maxRetries: 0, timeoutMs: 500))
        let client = try CardBossClient(options: config)
        record("client", client)

        // Successes.
        let cards = try await client.listCards(page: 1).cards
        let ids = cards.prefix(5).map(\.msisdn)
        await attempt("listCards") { try await client.listCards(page: 1) }
        await attempt("customer") { try await client.customer() }
        let pager = client.cards()
        record("pager", pager)
        await attempt("pager.nextPage") { try await pager.nextPage() }
        await attempt("cardDetails") { try await client.cardDetails(cards: CardSet(msisdns: ids)) }
        await attempt("currentUsage") { try await client.currentUsage(cards: CardSet(msisdns: ids)) }
        await attempt("usageHistory") { try await client.usageHistory(month: thisMonth, cards: CardSet(msisdns: ids), showday: "1") }
        await attempt("packages") { try await client.packages(card: CardRef(msisdn: ids[0])) }
        await attempt("pools") { try await client.pools() }
        await attempt("sendIotSms") { try await client.sendIotSms(mobiles: ids, content: "secret test") }
        await attempt("sendIotSmsEncrypted") { try await client.sendIotSmsEncrypted(mobiles: [ids[1]], content: "encrypted secret") }
        await attempt("sendTemplateSms") { try await client.sendTemplateSms(mobiles: ["13800138000"], templateId: "1002", params: ["1"]) }
        await attempt("smsReports") { try await client.smsReports() }
        await attempt("smsReplies") { try await client.smsReplies() }
        await attempt("suspend") { try await client.suspend(card: CardRef(msisdn: cards[30].msisdn)) }
        let batches = try client.cardDetailBatches(cards: CardSet(msisdns: ids))
        record("batches", batches)
        await attempt("batches.nextBatch") { try await batches.nextBatch() }
        let cipher = try encryptSms(apikey: apikey, mobiles: [ids[0]], content: "hello")
        record("encryptSms", cipher)
        await attempt("decryptSms") { try decryptSms(apikey: apikey, text: cipher) }
        await attempt("decryptSms(wrong key)") { try decryptSms(apikey: wrongApikey, text: cipher) }
        record("helpers", [sdkVersion(), timestamp(), String(smsBillingCount(content: "hello")), "\(PushOptions())"])

        // Every kind of failure.
        await expect("InvalidInput(apikey)", "INVALID_INPUT") { try CardBossClient(options: s.config(apikey: String(apikey.dropLast()))) }
        await expect("InvalidInput(card)", "INVALID_INPUT") { try await client.packages(card: CardRef()) }
        await expect("InvalidInput(decrypt)", "INVALID_INPUT") { try decryptSms(apikey: apikey, text: "%%%") }
        let wrong = try CardBossClient(options: s.config(apikey: wrongApikey))
        record("client(wrong apikey)", wrong)
        await expect("Auth(GET)", "1005") { try await wrong.customer() }
        await expect("Auth(POST)", "1005") { try await wrong.sendIotSms(mobiles: ids, content: "x") }
        await expect("Cooldown", "COOLDOWN") { try await client.suspend(card: CardRef(msisdn: cards[30].msisdn)) }
        client.clearCooldowns()
        await expect("RateLimited", "1099") { try await client.resume(card: CardRef(msisdn: cards[30].msisdn)) }
        await expect("Api(1031)", "1031") { try await client.renew(card: CardRef(msisdn: cards[21].msisdn), pkgcode: "nosuchpkg", months: 12) }
        await expect("Api(1098)", "1098") { try await client.arrears(page: 1) }
        await expect("Internal", "INTERNAL") { try debugPanic(message: "boom") }
        await expect("Internal(async)", "INTERNAL") { try await debugPanicAsync(message: "boom async") }

        // Injected faults, on a GET, a batched GET and a POST, before and after the operation.
        let faulty = try CardBossClient(options: s.config(cooldownGuard: false, maxRetries: 0, timeoutMs: 500))
        let twice = CardSet(msisdns: cards.map(\.msisdn) + cards.map(\.msisdn))
        for kind in ["http500", "http502", "reset", "delay", "truncated", "code1090"] {
            for stage in ["before", "after"] {
                try await s.adminPost("faults", #"{"rate": 1.0, "kinds": ["\#(kind)"], "delay_secs": 1.0, "stage": "\#(stage)"}"#)
                let get = await attempt("fault \(kind)/\(stage) GET") { try await faulty.customer() }
                XCTAssertNotNil(get, "fault \(kind): the GET succeeded")
                let batch = await attempt("fault \(kind)/\(stage) GET batch") { try await faulty.cardDetails(cards: twice) }
                XCTAssertNotNil(batch, "fault \(kind): the batch succeeded")
                let post = await attempt("fault \(kind)/\(stage) POST") { try await faulty.sendIotSms(mobiles: [ids[2]], content: "fault") }
                XCTAssertNotNil(post, "fault \(kind): the POST succeeded")
            }
        }
        try await s.adminPost("faults", #"{"rate": 0.0}"#)

        // Pushes: a genuine OD1010, verified; forged, replayed, foreign ones refused.
        receiver.clear("/push")
        let warned: Card = cards.first(where: { $0.state == 1 }) ?? cards[0]
        try await s.adminPost("cards/\(warned.msisdn)/usage", #"{"flowusage": 99999999999}"#)
        guard let body = receiver.next("/push") else { return XCTFail("no push arrived") }
        let text = String(decoding: body, as: UTF8.self)
        let pushSign = (try JSONSerialization.jsonObject(with: body) as! [String: Any])["sign"] as! String
        let strict = PushOptions(expectedSid: s.sid, maxAgeMs: 600_000)
        let genuine = await attempt("verifyPush") { try verifyPush(body: body, apikey: apikey, options: strict) }
        XCTAssertNil(genuine, "a genuine push refused")
        await expect("PushRejected(wrong key)", "PUSH_REJECTED") { try verifyPush(body: body, apikey: wrongApikey) }
        await expect("PushRejected(forged sign)", "PUSH_REJECTED") {
            try verifyPush(body: text.replacingOccurrences(of: pushSign, with: String(pushSign.reversed())), apikey: apikey)
        }
        await expect("PushRejected(sid)", "PUSH_REJECTED") { try verifyPush(body: body, apikey: apikey, options: PushOptions(expectedSid: "99999")) }
        await expect("PushRejected(not json)", "PUSH_REJECTED") { try verifyPush(body: "sign=\(pushSign)&sid=\(s.sid)", apikey: apikey) }
        let guardian = try PushGuard()
        record("PushGuard", guardian)
        let ticket = try await guardian.begin(body: body, apikey: apikey, options: strict)
        record("PushTicket", ticket)
        await expect("PushInFlight", "PUSH_IN_FLIGHT") { try await guardian.begin(body: body, apikey: apikey, options: strict) }
        await attempt("ticket.commit") { try await ticket.commit() }
        await expect("PushReplay", "PUSH_REPLAY") { try await guardian.begin(body: body, apikey: apikey, options: strict) }
        await expect("PushRejected(sms push)", "PUSH_REJECTED") { try parseSmsPush(body: #"{"type":"P0003","sign":"\#(pushSign)"}"#) }

        let secrets = [apikey, String(apikey.prefix(16)), String(apikey.suffix(16)), wrongApikey, pushSign]
        XCTAssertTrue(secrets.allSatisfy { $0.count >= 16 }, "secrets are long enough to search for")
        let hits = produced.flatMap { label, text in
            secrets.filter { text.localizedCaseInsensitiveContains($0) }.map { "\(label) contains \($0): \(text.prefix(300))" }
        }
        XCTAssertEqual(hits, [], "secrets found in produced strings")
        XCTAssertGreaterThan(errors, 40)
        print("secrets: \(produced.count) strings searched (from \(errors) errors and the results); 0 hits expected, \(hits.count) found")
    }
}
