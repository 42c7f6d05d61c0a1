import CardBoss
import Foundation
import XCTest

/// How failures come out in Swift: one `CardBossError` enum (a Swift `Error`, also
/// `LocalizedError`) with `code`, `msg`, `detail`, … on every case.
final class ErrorsTests: XCTestCase {
    static let sandbox = try! Sandbox(cards: 120)

    override class func tearDown() { sandbox.stop() }

    private var sandbox: Sandbox { Self.sandbox }

    private func cards() async throws -> [Card] {
        try await sandbox.client().listCards(page: 1).cards
    }

    func testInvalidInputIsFoundBeforeSending() async throws {
        let cards = try await cards()
        let ledgerBefore = (try await sandbox.adminGet("ledger") as! [Any]).count

        do {
            _ = try CardBossClient(options: sandbox.config(apikey: "short"))
            XCTFail("a short apikey was accepted")
        } catch let bad as CardBossError {
            guard case .InvalidInput = bad else { return XCTFail("\(bad)") }
            XCTAssertEqual(bad.info().code, "INVALID_INPUT")
            XCTAssertEqual(bad.info().field, "apikey")
            XCTAssertFalse("\(bad)".contains("short"), "the apikey is never shown")
        }

        let client = try sandbox.client()
        let noCard = await failure { try await client.packages(card: CardRef()) }
        guard case .InvalidInput = noCard else { return XCTFail("\(noCard)") }
        XCTAssertEqual(noCard.info().field, "card")
        XCTAssertEqual(noCard.info().code, "INVALID_INPUT")
        XCTAssertFalse(noCard.info().msg.isEmpty)
        XCTAssertEqual(noCard.info().detail, "")
        XCTAssertNil(noCard.info().endpoint)
        XCTAssertEqual(noCard.localizedDescription, noCard.info().message, "LocalizedError shows the message")
        XCTAssertEqual("\(noCard)", noCard.info().message)
        XCTAssertEqual(String(reflecting: noCard), noCard.info().message)

        let letters = await failure { try await client.suspend(card: CardRef(msisdn: "abc")) }
        guard case .InvalidInput = letters else { return XCTFail("\(letters)") }
        XCTAssertEqual(letters.info().field, "msisdn")

        let one = CardSet(msisdns: [cards[0].msisdn])
        let card = CardRef(msisdn: cards[0].msisdn)
        var codes: [String] = []
        codes.append(await failure { try await client.cardDetails(cards: CardSet()) }.info().code)
        codes.append(await failure { try await client.listCards(page: 0) }.info().code)
        codes.append(await failure { try await client.usageHistory(month: "2019-01", cards: one) }.info().code)
        codes.append(await failure { try await client.sendIotSms(mobiles: [cards[0].msisdn], content: String(repeating: "x", count: 351)) }.info().code)
        codes.append(await failure { try await client.addVoiceWhitelist(card: card, numbers: (1...6).map { "1380013800\($0)" }) }.info().code)
        codes.append(await failure { try await client.enableData(card: card, minLeftPercent: 101) }.info().code)
        codes.append(await failure { try await client.renew(card: card, pkgcode: "", months: 1) }.info().code)
        codes.append(await failure { try decryptSms(apikey: sandbox.apikey, text: "%%%") }.info().code)
        XCTAssertEqual(codes, Array(repeating: "INVALID_INPUT", count: 8))

        // Nothing of the above reached the sandbox.
        let ledgerAfter = (try await sandbox.adminGet("ledger") as! [Any]).count
        XCTAssertEqual(ledgerAfter, ledgerBefore)
    }

    func testWrongApikeyIsAnAuthFailure() async throws {
        let wrong = String(repeating: "x", count: 32)
        let client = try CardBossClient(options: sandbox.config(apikey: wrong))
        let e = await failure { try await client.customer() }
        guard case .Auth = e else { return XCTFail("Auth expected: \(e)") }
        XCTAssertEqual(e.info().code, "1005")
                XCTAssertEqual(e.info().endpoint, "customer/get")
        XCTAssertEqual(e.info().httpStatus, 200)
        for text in ["\(e)", String(reflecting: e), e.localizedDescription] {
            XCTAssertFalse(text.contains(wrong), text)
        }
        // Thrown errors are plain Swift errors too.
        do {
            _ = try await client.customer()
        } catch {
            XCTAssertEqual((error as? CardBossError)?.info().code, "1005")
        }
    }

    func testCooldownGuardAndCarrierRefusal() async throws {
        let cards = try await cards()
        let card = CardRef(msisdn: cards[30].msisdn)
        let guarded = try sandbox.client()
        try await guarded.suspend(card: card)
        // The client remembers the operation: a repeat within 3 minutes is refused locally.
        let local = await failure { try await guarded.suspend(card: card) }
        guard case .Cooldown = local else { return XCTFail("Cooldown expected: \(local)") }
        XCTAssertEqual(local.info().code, "COOLDOWN")
        XCTAssertEqual(local.info().detail, cards[30].msisdn, "the card cooling down")
        let retryAfter = try XCTUnwrap(local.info().retryAfterMs)
        XCTAssertTrue((1_000...180_000).contains(retryAfter), "\(retryAfter)")
        guarded.clearCooldowns()
        // Without the local memory the carrier refuses it: 1099 with 13009 inside detail.
        let remote = await failure { try await guarded.resume(card: card) }
        guard case .RateLimited = remote else { return XCTFail("RateLimited expected: \(remote)") }
        XCTAssertEqual(remote.info().code, "1099")
        XCTAssertEqual(remote.info().carrierCode, "13009")
        XCTAssertTrue(remote.info().detail.contains("13009"), remote.info().detail)
        XCTAssertEqual(remote.info().retryAfterMs, 180_000)

        let unguarded = try sandbox.client(cooldownGuard: false)
        let again = await failure { try await unguarded.suspend(card: card) }
        guard case .RateLimited = again else { return XCTFail("RateLimited expected: \(again)") }
        XCTAssertEqual(again.info().code, "1099")
        XCTAssertEqual(again.info().endpoint, "card/stopkeep")
    }

    func testCarrierShapedErrors() async throws {
        let cards = try await cards()
        // setvoicewhitetable answers {status, message} in the carrier's shape: one removal a month.
        let card = CardRef(msisdn: cards[40].msisdn)
        let client = try sandbox.client(cooldownGuard: false)
        try await client.removeVoiceWhitelist(card: card, numbers: ["13800138000"])
        // Within a minute: 13010, a rate limit.
        let soon = await failure { try await client.removeVoiceWhitelist(card: card, numbers: ["13900139000"]) }
        guard case .RateLimited = soon else { return XCTFail("RateLimited expected: \(soon)") }
        XCTAssertEqual(soon.info().code, "13010")
        try await sandbox.adminPost("clock/advance", #"{"seconds": 61}"#)
        let monthly = await failure { try await client.removeVoiceWhitelist(card: card, numbers: ["13900139000"]) }
        guard case let .Api(info) = monthly else { return XCTFail("\(monthly)") }
        XCTAssertEqual(monthly.info().code, "12144")
        XCTAssertEqual(info.carrierCode, "12144")
        XCTAssertFalse(info.msg.isEmpty && info.detail.isEmpty)
        XCTAssertEqual(info.endpoint, "card/setvoicewhitetable")
        // Five numbers pass every local check; with the carrier's own list it is 19019.
        let full = CardRef(msisdn: cards[41].msisdn)
        try await client.addVoiceWhitelist(card: full, numbers: (1...5).map { "1380013800\($0)" })
        try await sandbox.adminPost("clock/advance", #"{"seconds": 61}"#)
        let over = await failure { try await client.addVoiceWhitelist(card: full, numbers: ["13900139000"]) }
        XCTAssertEqual(over.info().code, "19019")
    }

    func testPlatformRefusalsKeepCodeMsgDetail() async throws {
        let cards = try await cards()
        let client = try sandbox.client()
        let e = await failure { try await client.renew(card: CardRef(msisdn: cards[50].msisdn), pkgcode: "nosuchpkg", months: 12) }
        guard case let .Api(info) = e else { return XCTFail("\(e)") }
        let (code, msg, detail, endpoint, result) = (info.code, info.msg, info.detail, info.endpoint, info.result)
        XCTAssertEqual(code, "1031")
        XCTAssertTrue(detail.contains("nosuchpkg"), detail)
        XCTAssertFalse(msg.isEmpty)
        XCTAssertNotNil(result, "a failed renewal still carries its result object")
        XCTAssertEqual(e.info().code, code)
        XCTAssertEqual(e.info().msg, msg)
        XCTAssertEqual(e.info().detail, detail)
        XCTAssertEqual(e.info().endpoint, endpoint)
        XCTAssertEqual(endpoint, "card/pkg/renew")
        XCTAssertTrue(e.localizedDescription.contains("1031"), e.localizedDescription)
    }

    func testTransportFailures() async throws {
        // A port nothing listens on: the receiver's, once it is closed.
        let closed = try PushReceiver()
        closed.stop()
        let config = ClientOptions(
            sid: sandbox.sid, apikey: sandbox.apikey, baseUrl: "http://127.0.0.1:\(closed.port)", timeoutMs: 3000,
            connectTimeoutMs: 2000, maxRetries: 0)
        let e = await failure { try await CardBossClient(options: config).customer() }
        guard case .Transport = e else { return XCTFail("Transport expected: \(e)") }
        XCTAssertEqual(e.info().code, "TRANSPORT")
        XCTAssertFalse(e.info().outcomeUnknown, "a GET that never connected changed nothing")
    }

    func testServerFaults() async throws {
        let faulty = try Sandbox(cards: 10)
        defer { faulty.stop() }
        do {
            let client = try CardBossClient(options: faulty.config(maxRetries: 0))
            try await faulty.adminPost("faults", #"{"rate": 1.0, "kinds": ["http502"]}"#)
            let e = await failure { try await client.customer() }
            guard case let .Http(info) = e else { return XCTFail("Http expected: \(e)") }
            XCTAssertEqual(e.info().code, "HTTP")
            XCTAssertEqual(info.httpStatus, 502)
            // A POST that failed after being sent may have been applied.
            try await faulty.adminPost("faults", #"{"rate": 1.0, "kinds": ["truncated"], "stage": "after"}"#)
            let d = await failure { try await client.sendIotSms(mobiles: ["1064000000001"], content: "x") }
            guard case .Decode = d else { return XCTFail("Decode expected: \(d)") }
            XCTAssertTrue(d.info().outcomeUnknown)
            try await faulty.adminPost("faults", #"{"rate": 1.0, "kinds": ["code1090"]}"#)
            let internalError = await failure { try await client.customer() }
            XCTAssertEqual(internalError.info().code, "1090")
        }
        // No answer within the timeout.
        try await faulty.adminPost("faults", #"{"rate": 1.0, "kinds": ["delay"], "delay_secs": 3}"#)
        let slow = try CardBossClient(options: faulty.config(maxRetries: 0, timeoutMs: 500))
        let t = await failure { try await slow.customer() }
        guard case .Timeout = t else { return XCTFail("Timeout expected: \(t)") }
        XCTAssertEqual(t.info().code, "TIMEOUT")
        XCTAssertEqual(t.info().endpoint, "customer/get")
        try await faulty.adminPost("faults", #"{"rate": 0.0}"#)
        let me = try await CardBossClient(options: faulty.config()).customer()
        XCTAssertEqual(me.sid, faulty.sid)
    }

    func testPanicsBecomeInternalErrors() async throws {
        let e = await failure { try debugPanic(message: "boom") }
        guard case .Internal = e else { return XCTFail("Internal expected: \(e)") }
        XCTAssertEqual(e.info().code, "INTERNAL")
        XCTAssertTrue(e.info().msg.contains("boom"), e.info().msg)
        let a = await failure { try await debugPanicAsync(message: "boom async") }
        XCTAssertEqual(a.info().code, "INTERNAL")
        XCTAssertTrue(a.info().msg.contains("boom async"), a.info().msg)
        // The process lives on, and so does the library.
        let me = try await sandbox.client().customer()
        XCTAssertEqual(me.sid, sandbox.sid)
    }
}
