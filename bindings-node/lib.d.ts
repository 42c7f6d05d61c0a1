// The package's types: everything napi generated in index.d.ts, plus what lib.js adds.
import type { Card, ErrorInfo } from './index'

export * from './index'

declare module './index' {
  /**
   * `for await (const card of client.cards())` yields every card of the account once, in
   * order; leaving the loop early stops the background fetching.
   */
  interface CardPages extends AsyncIterable<Card> {}
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
