// The package's types: everything napi generated in index.d.ts, plus what lib.js adds.
import type { Card, CardDetail, CardSet, CurrentUsage, ErrorInfo, FleetRecord, MonthlyUsage } from './index'

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

  interface Client {
    /**
     * 3.2.2 card/detail for any number of cards: batches of 100, `concurrency` at a time,
     * results in input order. Rejects with `INVALID_INPUT` before sending anything if a card is
     * malformed; a failed batch rejects the whole call, naming the batch. For very large fleets,
     * `cardDetailBatches()` gives the same records batch by batch, in flat memory.
     */
    cardDetails(cards: CardSet): Promise<Array<CardDetail>>
    /** 3.2.3 card/usage/current: this month's usage, for any number of cards (batched like `cardDetails`). */
    currentUsage(cards: CardSet): Promise<Array<CurrentUsage>>
    /**
     * 3.2.4 card/usage/past: a month's usage (`month` = `yyyyMM`, within the last 3 months),
     * for any number of cards (batched like `cardDetails`). `showday` is passed through as the
     * platform's parameter of that name.
     */
    usageHistory(month: string, cards: CardSet, showday?: string | undefined | null): Promise<Array<MonthlyUsage>>
  }
}

/**
 * What every function and method of this package throws or rejects with: an `Error` whose
 * `code` is the platform's code (`"1005"`) or a word (`"INVALID_INPUT"`, `"COOLDOWN"`, ...),
 * with the details of `ErrorInfo`. It never contains the apikey.
 */
export interface CardbossError extends Error, ErrorInfo {
  name: 'CardbossError'
}

/** True when `err` was thrown or rejected by this package. */
export declare function isCardbossError(err: unknown): err is CardbossError
