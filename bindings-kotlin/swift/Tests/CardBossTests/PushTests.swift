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
    private var strict: PushOptions { pushOptions(expectedSid: sandbox.sid, maxAgeSecs: 600) }

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
        XCTAssertEqual(e.code, "PUSH_REJECTED")
        // Signed with another key, or for another account; not JSON at all.
        await assertFails("PUSH_REJECTED") { try verifyPush(body: body, apikey: String(repeating: "0", count: 32)) }
        await assertFails("PUSH_REJECTED") { try verifyPush(body: body, apikey: sandbox.apikey, options: pushOptions(expectedSid: "99999")) }
        await assertFails("PUSH_REJECTED") { try verifyPush(body: "hello", apikey: sandbox.apikey) }

        // A replay of a genuine push is refused by the guard.
        let guardian = PushGuard()
        _ = try guardian.verify(body: body, apikey: sandbox.apikey, options: strict)
        let replay = await failure { try guardian.verify(body: text, apikey: sandbox.apikey, options: strict) }
        guard case let .PushRejected(_, _, _, reason) = replay else { return XCTFail("\(replay)") }
        XCTAssertTrue(reason.contains("replay"), reason)

        // A small guard forgets the oldest ids first.
        let small = PushGuard.withLimits(capacity: 2, ttlSecs: 60)
        try small.checkId(id: "a")
        await assertFails("PUSH_REJECTED") { try small.checkId(id: "a") }
        try small.checkId(id: "b")
        try small.checkId(id: "c")  // forgets "a"
        try small.checkId(id: "a")
        XCTAssertNil(defaultPushOptions().utcOffsetMinutes)
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
