import CardBoss
import Foundation
import XCTest

/// Bulk runs (`client.bulk`, `client.bulkRun` as an AsyncSequence) against the sandbox: each card
/// settled once, a dry run sends nothing, bad input throws before any request. The Kotlin suite
/// (BulkTest.kt, BulkFaultTest.kt) covers cooldowns, journals, cancellation and crashes.
final class BulkTests: XCTestCase {
    static let sandbox = try! Sandbox(cards: 100)

    override class func tearDown() {
        sandbox.stop()
    }

    func testSuspendsEachCardOnceAndADryRunSendsNothing() async throws {
        let sandbox = Self.sandbox
        let client = try sandbox.client()
        var cards: [String] = []
        for try await card in client.allCards() { cards.append(card.msisdn) }
        let normal = try await client.cardDetails(cards: CardSet(msisdns: cards))
            .filter { $0.msstatus == 2 }.prefix(10).map(\.msisdn)
        let set = CardSet(msisdns: Array(normal))

        let before = try await sandbox.requests()
        let dry = try await client.bulk(op: "suspend", cards: set, settings: BulkSettings(dryRun: true))
        XCTAssertEqual(dry.notAttempted, 10)
        let afterDry = try await sandbox.requests()
        XCTAssertEqual(afterDry, before)

        let run = try client.bulkRun(op: "suspend", cards: set, settings: BulkSettings())
        var seen: [String] = []
        for try await outcome in run {
            XCTAssertEqual(outcome.status, .done)
            seen.append(outcome.card)
        }
        XCTAssertEqual(Set(seen), Set(normal))
        XCTAssertEqual(seen.count, 10)
        let report = try await run.report()
        XCTAssertEqual(report.done, 10)
    }

    func testBadInputThrowsBeforeAnyRequest() async throws {
        let sandbox = Self.sandbox
        let client = try sandbox.client()
        let before = try await sandbox.requests()
        do {
            _ = try await client.bulk(op: "reboot", cards: CardSet(msisdns: ["1440000000001"]))
            XCTFail("an unknown operation is refused")
        } catch let bad as CardBossError {
            guard case .InvalidInput = bad else { return XCTFail("\(bad)") }
            XCTAssertEqual(bad.info().field, "op")
        }
        XCTAssertThrowsError(try client.bulkRun(op: "suspend", cards: CardSet(msisdns: ["12ab"]), settings: BulkSettings()))
        let after = try await sandbox.requests()
        XCTAssertEqual(after, before)
    }
}
