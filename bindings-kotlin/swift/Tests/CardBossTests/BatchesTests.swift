import CardBoss
import Foundation
import XCTest

/// Bulk results batch by batch (`cardDetailBatches`, `currentUsageBatches`,
/// `usageHistoryBatches`) as AsyncSequences, against the sandbox, counting the requests it got.
final class BatchesTests: XCTestCase {
    static let sandbox = try! Sandbox(cards: 250)
    /// 2,000 cards (20 batches), for a client fetching one batch at a time.
    static let fleet = try! Sandbox(cards: 2000)

    override class func tearDown() {
        sandbox.stop()
        fleet.stop()
    }

    private var sandbox: Sandbox { Self.sandbox }

    private func all(_ s: Sandbox) async throws -> [Card] {
        var cards: [Card] = []
        for try await card in try s.client().allCards() { cards.append(card) }
        return cards
    }

    /// Every batch of `batches` through `for try await`, then checks that the end stays the end.
    private func drain<S: AsyncSequence>(_ batches: S, next: () async throws -> S.Element?) async throws -> [S.Element] {
        var out: [S.Element] = []
        for try await batch in batches { out.append(batch) }
        let after = try await next()
        XCTAssertNil(after, "nil after the last batch")
        let again = try await next()
        XCTAssertNil(again, "and nil again")
        return out
    }

    func testBatchSizesAndInputOrder() async throws {
        let client = try sandbox.client()
        // Reversed, so that input order is not the sandbox's own order.
        let cards = try await all(sandbox).reversed()
        let msisdns = cards.map(\.msisdn)
        let iccids = cards.map(\.iccid)
        let before = (detail: try await sandbox.requests("card/detail"), current: try await sandbox.requests("card/usage/current"),
            past: try await sandbox.requests("card/usage/past"))

        let d = try client.cardDetailBatches(cards: CardSet(msisdns: msisdns))
        let details = try await drain(d) { try await d.nextBatch() }
        XCTAssertEqual(details.map(\.count), [100, 100, 50])
        XCTAssertEqual(details.flatMap { $0 }.map(\.msisdn), msisdns)
        XCTAssertEqual(details.flatMap { $0 }.map(\.iccid), iccids)

        let u = try client.currentUsageBatches(cards: CardSet(iccids: iccids))
        let usage = try await drain(u) { try await u.nextBatch() }
        XCTAssertEqual(usage.map(\.count), [100, 100, 50])
        XCTAssertEqual(usage.flatMap { $0 }.map(\.msisdn), msisdns)

        let h = try client.usageHistoryBatches(month: thisMonth, cards: CardSet(msisdns: msisdns))
        let history = try await drain(h) { try await h.nextBatch() }
        XCTAssertEqual(history.map(\.count), [100, 100, 50])
        XCTAssertEqual(history.flatMap { $0 }.map(\.msisdn), msisdns)
        XCTAssertTrue(history.joined().allSatisfy { $0.month == thisMonth })
        let w = try client.usageHistoryBatches(month: thisMonth, cards: CardSet(iccids: Array(iccids.prefix(120))), showday: "1")
        let withDays = try await drain(w) { try await w.nextBatch() }
        XCTAssertEqual(withDays.map(\.count), [100, 20])
        XCTAssertEqual(withDays.flatMap { $0 }.map(\.iccid), Array(iccids.prefix(120)))

        // One request per batch, no more.
        let sentDetail = try await sandbox.requests("card/detail") - before.detail
        let sentCurrent = try await sandbox.requests("card/usage/current") - before.current
        let sentPast = try await sandbox.requests("card/usage/past") - before.past
        XCTAssertEqual([sentDetail, sentCurrent, sentPast], [3, 3, 5])

        // The same as the collected call.
        let collected = try await client.cardDetails(cards: CardSet(msisdns: msisdns))
        XCTAssertEqual(collected, details.flatMap { $0 })
    }

    func testInvalidCardThrowsWithNothingSent() async throws {
        let client = try sandbox.client()
        let cards = try await all(sandbox)
        // The malformed card is in the second batch: the first is not sent either.
        var msisdns = cards.map(\.msisdn)
        msisdns[180] = "1064x"
        var iccids = cards.map(\.iccid)
        iccids[240] = ""
        let before = try await sandbox.requests()

        let e = await failure { try client.cardDetailBatches(cards: CardSet(msisdns: msisdns)) }
        guard case let .InvalidInput(info) = e else { return XCTFail("\(e)") }
        XCTAssertEqual(e.info().code, "INVALID_INPUT")
        XCTAssertEqual(info.field, "msisdns")
        XCTAssertTrue(info.msg.contains("1064x"), info.msg)
        let i = await failure { try client.currentUsageBatches(cards: CardSet(iccids: iccids)) }
        guard case .InvalidInput = i else { return XCTFail("\(i)") }
        XCTAssertEqual(i.info().field, "iccids")
        await assertFails("INVALID_INPUT") { try client.usageHistoryBatches(month: thisMonth, cards: CardSet(msisdns: msisdns)) }
        await assertFails("INVALID_INPUT") { try client.cardDetailBatches(cards: CardSet()) }
        // The month is checked at once too.
        await assertFails("INVALID_INPUT") { try client.usageHistoryBatches(month: "2019-01", cards: CardSet(msisdns: Array(msisdns.prefix(3)))) }

        let after = try await sandbox.requests()
        XCTAssertEqual(after, before, "nothing reached the sandbox")
    }

    func testAFailedBatchIsTheLast() async throws {
        let fleet = Self.fleet
        let ids = try await all(fleet).map(\.msisdn)
        XCTAssertEqual(ids.count, 2000)
        // One request in flight at a time, never retried.
        let client = try CardBossClient(options: fleet.config(maxRetries: 0, concurrency: 1))
        let batches = try client.cardDetailBatches(cards: CardSet(msisdns: ids))
        let iterator = batches.makeAsyncIterator()
        let first = try await iterator.next()
        XCTAssertEqual(first?.count, 100)
        try await fleet.adminPost("faults", #"{"rate": 1.0, "kinds": ["http500"]}"#)
        var read = 1
        do {
            while try await iterator.next() != nil { read += 1 }
            XCTFail("no batch failed")
        } catch let e as CardBossError {
            // Only what was fetched ahead before the faults came through.
            XCTAssertTrue((1...3).contains(read), "\(read) batches read before the failure")
            let endpoint = e.info().endpoint ?? ""
            XCTAssertTrue(endpoint.hasPrefix("card/detail") && endpoint.contains("of 20"), endpoint)
        }
        try await fleet.adminPost("faults", #"{"rate": 0.0}"#)
        let afterFailure = try await batches.nextBatch()
        XCTAssertNil(afterFailure, "nothing after a failed batch")
    }

    func testBatchesAcrossTasks() async throws {
        // The client and its batch objects are Sendable: several tasks read at once.
        let client = try sandbox.client()
        let ids = try await all(sandbox).map(\.msisdn)
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for k in 0..<4 {
                let set = CardSet(msisdns: Array(ids.dropFirst(k * 10)))
                group.addTask {
                    var n = 0
                    for try await batch in try client.currentUsageBatches(cards: set) { n += batch.count }
                    return n
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }.sorted()
        }
        XCTAssertEqual(counts, [220, 230, 240, 250])
    }
}
