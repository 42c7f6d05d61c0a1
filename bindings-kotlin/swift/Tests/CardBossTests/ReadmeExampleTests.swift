// The Swift quick start of README.md and swift/README.md: the code between the readme markers
// is copied there verbatim (../../test.sh checks it), and compiled and run here.
import CardBoss
import Foundation
import XCTest

// readme:start
import CardBoss

func quickStart(sid: String, apikey: String, baseUrl: String, opsUrl: String, fleet: [String]) async throws {
    // Only sid and apikey are required; every other setting left out takes the core's default.
    let client = try CardBossClient(options: ClientOptions(sid: sid, apikey: apikey, baseUrl: baseUrl, opsUrl: opsUrl))
    let me = try await client.customer()
    print("\(me.name): \(me.cardqty) cards, balance \(me.balance)")
    for try await batch in try client.cardDetailBatches(cards: CardSet(msisdns: fleet)) {
        print("\(batch.count) details")  // batches of up to 100, in input order, fetched ahead
    }
    for try await card in client.allCards() { print(card.msisdn, card.state) }
    do {
        try await client.suspend(card: CardRef(msisdn: fleet[0]))
        try await client.suspend(card: CardRef(msisdn: fleet[0]))
    } catch let error as CardBossError {
        let info = error.info()  // every field on every kind
        if case .Cooldown = error {
            print("same card again in \((info.retryAfterMs ?? 0) / 1000) s")
        } else {
            print("\(info.code): \(info.msg) \(info.detail)")  // "1031", "INVALID_INPUT", …
        }
    }
}

// A push receiver: handle each push once (a failed handler releases it for the platform's
// retry), answer pushAck() ("success") within 5 s; a replay was handled before: answer success.
let pushes = try! PushGuard()  // PushGuard(options: PushGuardOptions(store: "redis://…")) for many workers
func onPush(body: Data, apikey: String) async throws -> String {
    do {
        try await pushes.handle(body: body, apikey: apikey, options: PushOptions(expectedSid: "10043")) { push in
            if case let .renewalResult(result) = push.content { print("order \(result.orderid): status \(result.status)") }
        }
    } catch CardBossError.PushReplay {}
    return pushAck()
}
// readme:end

final class ReadmeExampleTests: XCTestCase {
    func testQuickStartRunsAgainstTheSandbox() async throws {
        let sandbox = try Sandbox(cards: 12)
        defer { sandbox.stop() }
        let fleet = try await sandbox.client().listCards(page: 1).cards.map(\.msisdn)
        try await quickStart(sid: sandbox.sid, apikey: sandbox.apikey, baseUrl: sandbox.baseUrl, opsUrl: sandbox.opsUrl, fleet: fleet)
        // The first suspend went through (the second was refused by the cooldown guard).
        let status = try await sandbox.card(fleet[0])["msstatus"] as? Int
        XCTAssertEqual(status, 3)
    }

    func testOnPushVerifiesAndRefusesReplays() async throws {
        let c = try vectors("push_sign.json").first { $0["sn"] as? String == "OD1002" }!
        let body = Data((c["body"] as! String).utf8)
        let result = try await onPush(body: body, apikey: c["apikey"] as! String)
        XCTAssertEqual(result, "success")
        // The platform's redelivery is answered success again, without running the handler.
        let again = try await onPush(body: body, apikey: c["apikey"] as! String)
        XCTAssertEqual(again, "success")
        await assertFails("PUSH_REPLAY") { try await pushes.begin(body: body, apikey: c["apikey"] as! String) }
        await assertFails("PUSH_REJECTED") { try await onPush(body: body, apikey: String(repeating: "0", count: 32)) }
    }
}
