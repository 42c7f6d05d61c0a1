// The package's types: everything napi generated in index.d.ts, plus what lib.js adds.
import type { BulkOutcome, CallOptions, Card, CardDetail, CardSet, CurrentUsage, ErrorInfo, FleetRecord, MonthlyUsage, Push, PushOptions, PushReply, SmsPush } from './index'

export * from './index'

declare module './index' {
  /**
   * `for await (const card of client.cards())` yields every card of the account once, in
   * order; leaving the loop early stops the background fetching.
   */
  interface CardPages extends AsyncIterable<Card> {}

  /** `for await (const batch of client.cardDetailBatches(cards))`: up to 100 details each. */
  interface CardDetailBatches extends AsyncIterable<Array<CardDetail>> {}
  /** `for await (const batch of client.currentUsageBatches(cards))`. */
  interface CurrentUsageBatches extends AsyncIterable<Array<CurrentUsage>> {}
  /** `for await (const batch of client.usageHistoryBatches(month, cards))`. */
  interface MonthlyUsageBatches extends AsyncIterable<Array<MonthlyUsage>> {}
  /**
   * `for await (const batch of client.fleetSync())`: the whole fleet, `FleetRecord[]` in list
   * order, each card once; leaving the loop early stops the sync's requests.
   */
  interface FleetSyncBatches extends AsyncIterable<Array<FleetRecord>> {}
  /**
   * `for await (const outcome of client.bulkRun('suspend', { msisdns }))`: each card's outcome
   * once, as it is settled; leaving the loop early cancels the run (requests in flight finish).
   */
  interface BulkRun extends AsyncIterable<BulkOutcome> {}

  interface PushGuard {
    /**
     * `begin`, then `handler(push)`, then `commit`: resolves with the handler's value once the id
     * is committed. Rejects with `PUSH_REPLAY` (handled already: answer success),
     * `PUSH_IN_FLIGHT`, `STORE_UNAVAILABLE` or `PUSH_REJECTED` without running the handler; a
     * handler that throws releases the id (the platform's retry is accepted) and its error is
     * rethrown unchanged.
     */
    handle<T>(body: string | Buffer, apikey: string, handler: (push: Push) => T | Promise<T>, options?: PushOptions | undefined | null): Promise<Awaited<T>>
    /**
     * What a receiver answers (write `status`, `text/plain`, `body`): `begin`; the guard's
     * refusal resolves with the core's reply for it (a replay: `success` again, with `reason`;
     * forged 400, in flight 409, store unavailable 503) without running the handler; then
     * `handler(push)`, whose throw releases the id and is rethrown unchanged (answer 500: the
     * platform retries); then `finish(true)`: `success`, or 503 when the commit failed.
     * `reason` is absent only for a push handled now.
     */
    receive(body: string | Buffer, apikey: string, handler: (push: Push) => unknown, options?: PushOptions | undefined | null): Promise<PushReply>
  }

  interface Client {
    /** `await using client = new Client(...)` closes it (`close()`) at the end of the block. */
    [Symbol.asyncDispose](): Promise<void>
    /**
     * 3.2.2 card/detail for any number of cards: batches of 100, `concurrency` at a time,
     * results in input order. Rejects with `INVALID_INPUT` before sending anything if a card is
     * malformed; a failed batch rejects the whole call, naming the batch. For very large fleets,
     * `cardDetailBatches()` gives the same records batch by batch, in flat memory. `call`
     * (`signal`, `timeoutMs`) bounds the whole call.
     */
    cardDetails(cards: CardSet, call?: CallOptions | undefined | null): Promise<Array<CardDetail>>
    /** 3.2.3 card/usage/current: this month's usage, for any number of cards (batched like `cardDetails`). */
    currentUsage(cards: CardSet, call?: CallOptions | undefined | null): Promise<Array<CurrentUsage>>
    /**
     * 3.2.4 card/usage/past: a month's usage (`month` = `yyyyMM`, within the last 3 months),
     * for any number of cards (batched like `cardDetails`). `showday` is passed through as the
     * platform's parameter of that name.
     */
    usageHistory(month: string, cards: CardSet, showday?: string | undefined | null, call?: CallOptions | undefined | null): Promise<Array<MonthlyUsage>>
  }
}

/**
 * What every function and method of this package throws or rejects with (`err instanceof
 * CardbossError`): an `Error` whose `code` is the platform's code (`"1005"`) or a word
 * (`"INVALID_INPUT"`, `"COOLDOWN"`, `"CANCELLED"`, ...), `kind` the kind of failure, with the
 * other details of `ErrorInfo`. It never contains the apikey. Only the package creates them.
 */
export declare class CardbossError extends Error {
  name: 'CardbossError'
  private constructor()
}
export interface CardbossError extends ErrorInfo {}

/** True when `err` was thrown or rejected by this package (`err instanceof CardbossError`). */
export declare function isCardbossError(err: unknown): err is CardbossError

/**
 * An SMS push (P0001 reports, P0002 replies; unsigned, without an id): resolves with the core's
 * reply, `success` once `handler(sms)` returned, or the refusal (400) of a body that does not
 * parse (the handler does not run). A handler that throws rejects with its error, unchanged.
 */
export declare function receiveSmsPush(body: string | Buffer, handler: (sms: SmsPush) => unknown): Promise<PushReply>
