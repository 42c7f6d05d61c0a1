// Hand-written conveniences over the UniFFI-generated API (CardBoss.swift, CardBossCore.swift,
// written by ../../../generate.sh). Nothing here holds a rule of the spec: it only reshapes what
// the generated code offers, like ../../../src/main/kotlin/cardboss/CardBoss.kt does for Kotlin.
import Foundation

// MARK: - errors

/// The generated enum has the core's `description` (Rust's Display: the message, never a secret)
/// but does not declare the conformance, so `"\(error)"`, `String(reflecting:)` and
/// `errorDescription` (hence `localizedDescription`) would print the case with every field.
extension CardBossError: CustomStringConvertible {}

extension CardBossError {
    /// The platform's code (`"1005"`, `"1080"`, `"12144"`) or a word for local failures
    /// (`INVALID_INPUT`, `COOLDOWN`, `TIMEOUT`, `TRANSPORT`, `HTTP`, `DECODE`, `PUSH_REJECTED`,
    /// `INTERNAL`).
    public var code: String { common.code }

    /// The server's message, or our description of a local failure.
    public var msg: String { common.msg }

    /// The server's detail ("" when there is none, and for local failures).
    public var detail: String { common.detail }

    /// The endpoint the failure concerns, when it concerns one.
    public var endpoint: String? {
        switch self {
        case let .Api(_, _, _, endpoint, _, _, _, _), let .Auth(_, _, _, endpoint, _),
            let .RateLimited(_, _, _, endpoint, _, _, _), let .Cooldown(_, _, _, endpoint, _, _),
            let .Timeout(_, _, _, endpoint, _), let .Transport(_, _, _, endpoint, _),
            let .Http(_, _, _, endpoint, _, _), let .Decode(_, _, _, endpoint, _):
            return endpoint
        case .InvalidInput, .PushRejected, .Internal:
            return nil
        }
    }

    /// Seconds to wait before trying again, when known (cooldowns, rate limits).
    public var retryAfterSecs: UInt64? {
        switch self {
        case let .Cooldown(_, _, _, _, _, secs): return secs
        case let .RateLimited(_, _, _, _, _, _, secs): return secs
        default: return nil
        }
    }

    /// True when a POST may have been applied although it failed: check before repeating it.
    public var outcomeUnknown: Bool {
        switch self {
        case let .Api(_, _, _, _, _, _, _, unknown), let .Timeout(_, _, _, _, unknown),
            let .Transport(_, _, _, _, unknown), let .Http(_, _, _, _, _, unknown),
            let .Decode(_, _, _, _, unknown):
            return unknown
        default:
            return false
        }
    }

    /// Every case carries `code`, `msg` and `detail` first.
    private var common: (code: String, msg: String, detail: String) {
        switch self {
        case let .Api(code, msg, detail, _, _, _, _, _): return (code, msg, detail)
        case let .Auth(code, msg, detail, _, _): return (code, msg, detail)
        case let .RateLimited(code, msg, detail, _, _, _, _): return (code, msg, detail)
        case let .InvalidInput(code, msg, detail, _, _): return (code, msg, detail)
        case let .Cooldown(code, msg, detail, _, _, _): return (code, msg, detail)
        case let .Timeout(code, msg, detail, _, _): return (code, msg, detail)
        case let .Transport(code, msg, detail, _, _): return (code, msg, detail)
        case let .Http(code, msg, detail, _, _, _): return (code, msg, detail)
        case let .Decode(code, msg, detail, _, _): return (code, msg, detail)
        case let .PushRejected(code, msg, detail, _): return (code, msg, detail)
        case let .Internal(code, msg, detail): return (code, msg, detail)
        }
    }
}

// MARK: - the configuration

/// `dump(config)` and debuggers read a value's stored properties through its mirror; this one
/// leaves the apikey out (`description` is already the core's redacted text).
extension ClientConfig: CustomReflectable {
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "sid": sid, "apikey": "<redacted>", "baseUrl": baseUrl as Any,
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

// MARK: - SMS

extension CardBossClient {
    /// 3.5.5 sms/sendsms with the template variables in the order written
    /// (`["1": "xx", "2": "yy"]` is sent as `@1@=xx|@2@=yy`).
    public func sendTemplateSms(mobiles: [String], templateId: String, params: KeyValuePairs<String, String>)
        async throws -> SmsReceipt
    {
        try await sendTemplateSms(
            mobiles: mobiles, templateId: templateId,
            params: params.map { TemplateParam(name: $0.key, value: $0.value) })
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
    /// `verify` for a body received as text (UTF-8).
    public func verify(body: String, apikey: String, options: PushOptions? = nil) throws -> Push {
        try verify(body: Data(body.utf8), apikey: apikey, options: options)
    }
}

// The core's option records carry no UniFFI defaults, so their generated initializers need every
// argument; these leave out what the caller does not set.

/// Renewal options; every one left nil is not sent.
public func renewOptions(
    repetition: Bool? = nil, startdate: String? = nil, audit: Audit? = nil, remark: String? = nil
) -> RenewOptions {
    RenewOptions(repetition: repetition, startdate: startdate, audit: audit, remark: remark)
}

/// Push verification options; `utcOffsetMinutes` nil keeps the core's default (UTC+8).
public func pushOptions(expectedSid: String? = nil, maxAgeSecs: UInt64? = nil, utcOffsetMinutes: Int32? = nil)
    -> PushOptions
{
    PushOptions(
        expectedSid: expectedSid, maxAgeMs: maxAgeSecs.map { Int64($0) * 1000 },
        utcOffsetMinutes: utcOffsetMinutes)
}
