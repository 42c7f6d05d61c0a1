import CardBoss
import Foundation
import XCTest

/// Pushes sent by the sandbox to a receiver in this test, verified with the SDK; forged ones
/// refused.
final class PushTests: XCTestCase {
    static let receiver = try! PushReceiver()
    static let sandbox = try! Sandbox(
        cards: 100, style: "example", "--push-url", receiver.url("/push"), "--sms-push-url", receiver.url("/sms"))

    override class func tearDown() {
        sandbox.stop()
        receiver.stop()
    }

    private var sandbox: Sandbox { Self.sandbox }
    private var receiver: PushReceiver { Self.receiver }
    private var strict: PushOptions { PushOptions(expectedSid: sandbox.sid, maxAgeMs: 600_000) }

    private func next(_ path: String, _ what: String) throws -> Data {
        guard let body = receiver.next(path) else { throw TestFailure("no \(what) push arrived") }
        return body
    }

    func testRenewalResultPushIsVerifiedAndForgeriesAreRefused() async throws {
        try await sandbox.adminPost("config", #"{"balance": 100000}"#)
        let client = try sandbox.client()
        let card = try await client.listCards(page: 1).cards[7]
        let pkg = try await client.packages(card: CardRef(msisdn: card.msisdn)).pkgs.first { $0.mainpkg }!
        let order = try await client.renew(card: CardRef(msisdn: card.msisdn), pkgcode: pkg.pkgcode, months: renewalMonths(pkg))
        receiver.clear("/push")
        try await sandbox.adminPost("orders/\(order.orderid)/approve")
        let body = try next("/push", "OD1002")

        let push = try verifyPush(body: body, apikey: sandbox.apikey, options: strict)
        XCTAssertEqual(push.sn, "OD1002")
        guard case let .renewalResult(result) = push.content else { return XCTFail("\(push.content)") }
        XCTAssertEqual(result.orderid, order.orderid)
        XCTAssertEqual(result.msisdn, card.msisdn)

        let text = String(decoding: body, as: UTF8.self)
        // Forged: the order id changed after signing.
        let forged = text.replacingOccurrences(of: order.orderid, with: order.orderid + "0")
        XCTAssertNotEqual(forged, text)
        let e = await failure { try verifyPush(body: forged, apikey: sandbox.apikey, options: strict) }
        guard case .PushRejected = e else { return XCTFail("\(e)") }
        XCTAssertEqual(e.info().code, "PUSH_REJECTED")
        // Signed with another key, or for another account; not JSON at all.
        await assertFails("PUSH_REJECTED") { try verifyPush(body: body, apikey: String(repeating: "0", count: 32)) }
        await assertFails("PUSH_REJECTED") { try verifyPush(body: body, apikey: sandbox.apikey, options: PushOptions(expectedSid: "99999")) }
        await assertFails("PUSH_REJECTED") { try verifyPush(body: "hello", apikey: sandbox.apikey) }

        // Two phases: a duplicate while the first is handled is PUSH_IN_FLIGHT; once committed,
        // PUSH_REPLAY.
        let guardian = try PushGuard()
        let ticket = try await guardian.begin(body: body, apikey: sandbox.apikey, options: strict)
        XCTAssertEqual(ticket.push().id, push.id)
        await assertFails("PUSH_IN_FLIGHT") { try await guardian.begin(body: text, apikey: sandbox.apikey, options: strict) }
        let committed = try await ticket.commit()
        XCTAssertEqual(committed.id, push.id)
        XCTAssertFalse(ticket.isOpen())  // used up; its push stays readable
        XCTAssertEqual(ticket.push().id, push.id)
        await assertFails("PUSH_REPLAY") { try await guardian.begin(body: text, apikey: sandbox.apikey, options: strict) }

        // A handler that fails releases the id: the retry of the same body is accepted, once.
        struct HandOffFailed: Error {}
        let retrying = try PushGuard()
        do {
            _ = try await retrying.handle(body: body, apikey: sandbox.apikey, options: strict) { _ in throw HandOffFailed() }
            XCTFail("the handler's error was not rethrown")
        } catch is HandOffFailed {}
        let orderid = try await retrying.handle(body: text, apikey: sandbox.apikey, options: strict) { p -> String in
            guard case let .renewalResult(r) = p.content else { throw HandOffFailed() }
            return r.orderid
        }
        XCTAssertEqual(orderid, order.orderid)
        await assertFails("PUSH_REPLAY") { try await retrying.handle(body: body, apikey: sandbox.apikey, options: strict) { _ in 1 } }

        // receive: the guard's refusals are the core's replies, and the handler runs once.
        let receiving = try PushGuard()
        let handled = try await receiving.receive(body: body, apikey: sandbox.apikey, options: strict) { p in
            XCTAssertEqual(p.id, push.id)
        }
        XCTAssertEqual(handled.status, 200)
        XCTAssertEqual(handled.body, "success")
        XCTAssertNil(handled.reason)
        let replay = try await receiving.receive(body: body, apikey: sandbox.apikey, options: strict) { _ in
            XCTFail("a replay ran the handler")
        }
        XCTAssertEqual(replay.status, 200)
        XCTAssertEqual(replay.body, "success")
        XCTAssertNotNil(replay.reason)
        let refused = try await receiving.receive(body: Data(forged.utf8), apikey: sandbox.apikey, options: strict) { _ in
            XCTFail("a forged push ran the handler")
        }
        XCTAssertEqual(refused.status, 400)
        do {
            _ = try await PushGuard().receive(body: body, apikey: sandbox.apikey, options: strict) { _ in throw HandOffFailed() }
            XCTFail("the handler's error was not rethrown")
        } catch is HandOffFailed {}

        // A small guard forgets the oldest ids first (signed vectors with distinct ids).
        let small = try PushGuard(options: PushGuardOptions(capacity: 2, ttlMs: 60_000))
        let vs = try vectors("push_sign.json").prefix(3).map { ($0["body"] as! String, $0["apikey"] as! String) }
        _ = try await small.begin(body: vs[0].0, apikey: vs[0].1).commit()
        await assertFails("PUSH_REPLAY") { try await small.begin(body: vs[0].0, apikey: vs[0].1) }
        _ = try await small.begin(body: vs[1].0, apikey: vs[1].1).commit()
        _ = try await small.begin(body: vs[2].0, apikey: vs[2].1).commit()  // forgets the first
        _ = try await small.begin(body: vs[0].0, apikey: vs[0].1).commit()
        XCTAssertNil(PushOptions().utcOffsetMinutes)  // the core resolves it: UTC+8
    }

    func testUsageWarningPush() async throws {
        let client = try sandbox.client()
        let card = try await client.listCards(page: 1).cards.first { $0.state == 1 }!
        receiver.clear("/push")
        try await sandbox.adminPost("cards/\(card.msisdn)/usage", #"{"flowusage": 99999999999}"#)
        var warnings: [UsageWarning]?
        // Other pushes may come first; each is verified, and the OD1010 one is looked for.
        while warnings == nil, let body = receiver.next("/push") {
            let push = try verifyPush(body: body, apikey: sandbox.apikey, options: strict)
            if case let .usageWarnings(w) = push.content { warnings = w }
        }
        let found = try XCTUnwrap(warnings, "no OD1010 push arrived")
        XCTAssertFalse(found.isEmpty)
        XCTAssertTrue(found.allSatisfy { $0.msisdn == card.msisdn || $0.iccid == card.iccid })
    }

    func testSmsReportPush() async throws {
        let client = try sandbox.client()
        let card = try await client.listCards(page: 1).cards[3]
        receiver.clear("/sms")
        let receipt = try await client.sendIotSms(mobiles: [card.msisdn], content: "status?")
        var report: SmsReport?
        while report == nil, let body = receiver.next("/sms") {
            if case let .reports(reports) = try parseSmsPush(body: body) {
                report = reports.first { $0.taskid == receipt.taskid }
            }
        }
        let found = try XCTUnwrap(report, "no P0001 push for \(receipt.taskid)")
        XCTAssertEqual(found.mobile, card.msisdn)
        await assertFails("PUSH_REJECTED") { try parseSmsPush(body: #"{"type":"P0003","data":"[]"}"#) }
    }
}
