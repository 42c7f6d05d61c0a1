// Hand-written conveniences over the UniFFI-generated API (CardBoss.swift, CardBossCore.swift,
// written by ../../../generate.sh). Nothing here holds a rule of the spec: it only reshapes what
// the generated code offers, like ../../../src/main/kotlin/cardboss/CardBoss.kt does for Kotlin.
import Foundation

// MARK: - errors

/// The generated enum has the core's `description` (Rust's Display: the message, never a secret)
/// but does not declare the conformance, so `"\(error)"`, `String(reflecting:)` and
/// `errorDescription` (hence `localizedDescription`) would print the case with every field.
extension CardBossError: CustomStringConvertible {}

// Every case carries the core's flat `ErrorInfo` (`case let .RateLimited(info)`); `info()` gives it
// whatever the case: `error.info().code`, `.msg`, `.detail`, `.endpoint`, `.retryAfterMs`, …

// MARK: - the configuration

/// `dump(config)` and debuggers read a value's stored properties through its mirror; this one
/// leaves the apikey out (`description` is already the core's redacted text).
extension ClientOptions: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "sid": sid as Any, "apikey": "<redacted>", "baseUrl": baseUrl as Any,
                "opsUrl": opsUrl as Any,
            ],
            displayStyle: .struct)
    }
}

// MARK: - pages and batches as AsyncSequence

/// The iterator of every paged or batched object: each step awaits the object's own `next…()`,
/// which answers nil after the last page or batch (and after a failure, which it throws once).
public struct FetchIterator<Element: Sendable>: AsyncIteratorProtocol {
    fileprivate let fetch: @Sendable () async throws -> Element?

    public func next() async throws -> Element? {
        try await fetch()
    }
}

/// The pages left (up to 100 cards each), for `for try await page in client.cards()`.
extension CardPager: AsyncSequence {
    public typealias Element = [Card]

    public func makeAsyncIterator() -> FetchIterator<[Card]> {
        FetchIterator { try await self.nextPage() }
    }
}

/// The batch objects (`CardDetailBatches`, `CurrentUsageBatches`, `MonthlyUsageBatches`): the
/// batches left (up to 100 records each, in input order) as an AsyncSequence, for
/// `for try await batch in try client.cardDetailBatches(cards: set)`. The fetching goes on in
/// the background while the object lives; releasing it stops it.
public protocol BatchSequence: AsyncSequence, Sendable
where Element == [Record], AsyncIterator == FetchIterator<[Record]> {
    associatedtype Record: Sendable
    func nextBatch() async throws -> [Record]?
}

extension BatchSequence {
    public func makeAsyncIterator() -> FetchIterator<[Record]> {
        FetchIterator { try await self.nextBatch() }
    }
}

/// 3.2.2 card/detail batch by batch.
extension CardDetailBatches: BatchSequence { public typealias Record = CardDetail }
/// 3.2.3 card/usage/current batch by batch.
extension CurrentUsageBatches: BatchSequence { public typealias Record = CurrentUsage }
/// 3.2.4 card/usage/past batch by batch.
extension MonthlyUsageBatches: BatchSequence { public typealias Record = MonthlyUsage }

/// Every card of the account, one at a time: each iteration lists the account again with a new
/// pager (see `CardBossClient.allCards()`).
public struct AllCards: AsyncSequence, Sendable {
    public typealias Element = Card

    fileprivate let client: CardBossClient

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate let pager: CardPager
        fileprivate var page: IndexingIterator<[Card]> = [].makeIterator()

        public mutating func next() async throws -> Card? {
            while true {
                if let card = page.next() { return card }
                guard let next = try await pager.nextPage() else { return nil }
                page = next.makeIterator()
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(pager: client.cards())
    }
}

extension CardBossClient {
    /// Every card of the account (3.2.1 card/list page after page, fetched ahead).
    public func allCards() -> AllCards {
        AllCards(client: self)
    }
}

// MARK: - bulk runs

/// A bulk run's outcomes, one per card as each is settled, for
/// `for try await outcome in try client.bulkRun(…)`; `report()` afterwards has the counts.
extension BulkRun: AsyncSequence {
    public typealias Element = BulkOutcome

    public func makeAsyncIterator() -> FetchIterator<BulkOutcome> {
        FetchIterator { try await self.next() }
    }
}

extension CardBossClient {
    /// One operation (`"suspend"`, `"resume"`, `"renew"`, …) on every card of `cards`, waiting
    /// for the report (see `bulkRun`; fields of `settings` left nil take the core's defaults).
    /// Cancelling the task cancels the run: requests in flight finish, the other cards are not
    /// sent, and this returns the report once the run is over.
    public func bulk(op: String, cards: CardSet, settings: BulkSettings = BulkSettings()) async throws
        -> BulkReport
    {
        let run = try bulkRun(op: op, cards: cards, settings: settings)
        return try await withTaskCancellationHandler {
            try await run.finish()
        } onCancel: {
            run.cancel()
        }
    }
}

// MARK: - SMS

extension CardBossClient {
    /// 3.5.5 sms/sendsms with numbered template variables (`[1: "xx", 2: "yy"]` is sent as
    /// `@1@=xx|@2@=yy`); a number that is not positive throws `InvalidInput` before sending.
    public func sendTemplateSms(mobiles: [String], templateId: String, params: [Int: String])
        async throws -> SmsReceipt
    {
        // A number beyond Int32 becomes 0, which the core refuses like any non-positive one.
        try await sendTemplateSmsNumbered(
            mobiles: mobiles, templateId: templateId,
            params: Dictionary(uniqueKeysWithValues: params.map { (Int32(exactly: $0.key) ?? 0, $0.value) }))
    }
}

// MARK: - pushes

/// `verifyPush` for a body received as text (UTF-8).
public func verifyPush(body: String, apikey: String, options: PushOptions? = nil) throws -> Push {
    try verifyPush(body: Data(body.utf8), apikey: apikey, options: options)
}

/// `parseSmsPush` for a body received as text (UTF-8).
public func parseSmsPush(body: String) throws -> SmsPush {
    try parseSmsPush(body: Data(body.utf8))
}

extension PushGuard {
    /// `begin` for a body received as text (UTF-8).
    public func begin(body: String, apikey: String, options: PushOptions? = nil) async throws -> PushTicket {
        try await begin(body: Data(body.utf8), apikey: apikey, options: options)
    }

    /// Handles one push exactly once: `begin`, then `handler`, then `commit()` (its result is
    /// returned). When the handler throws or its task is cancelled the id is released (the
    /// platform's retry is then accepted) and the handler's error is rethrown unchanged. Only
    /// sequencing: every check is the core's.
    public func handle<T>(
        body: Data, apikey: String, options: PushOptions? = nil, handler: (Push) async throws -> T
    ) async throws -> T {
        let ticket = try await begin(body: body, apikey: apikey, options: options)
        let result: T
        do {
            result = try await handler(ticket.push())
        } catch {
            try? await ticket.release()
            throw error
        }
        _ = try await ticket.commit()
        return result
    }

    /// What a push receiver does with one data push, and what it answers: `begin` (a refusal is
    /// not thrown but answered as the core's `pushReplyFor(error:)` says: a replay is
    /// acknowledged again, a forged body 400, a push in flight elsewhere 409, a store that is
    /// down 503; the handler does not run), then `handler`, then `finish(handled:)` (`success`,
    /// or 503 when the commit could not be recorded). Answer `reply.status`, `text/plain`,
    /// `reply.body`; log `reply.reason` when set (it never holds the apikey). When the handler
    /// throws, the id is released and its error is rethrown unchanged (answer 500: the platform's
    /// retry is handled).
    public func receive(
        body: Data, apikey: String, options: PushOptions? = nil, handler: (Push) async throws -> Void
    ) async throws -> PushReply {
        let ticket: PushTicket
        do {
            ticket = try await begin(body: body, apikey: apikey, options: options)
        } catch let error as CardBossError {
            return pushReplyFor(error: error.info())
        }
        do {
            try await handler(ticket.push())
        } catch {
            _ = await ticket.finish(handled: false)
            throw error
        }
        return await ticket.finish(handled: true)
    }

    /// `handle` for a body received as text (UTF-8).
    public func handle<T>(
        body: String, apikey: String, options: PushOptions? = nil, handler: (Push) async throws -> T
    ) async throws -> T {
        try await handle(body: Data(body.utf8), apikey: apikey, options: options, handler: handler)
    }
}
