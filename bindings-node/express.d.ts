// The types of `cardboss/express`. Structural: they name Node's http types, not Express's, so
// the package needs no @types/express; an Express `Request`/`Response`/`NextFunction` fits.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Push, PushGuard, PushReply, SmsPush } from './lib'

/** The request as the helpers see it: Node's, with the `body` a body parser may have left. */
export type PushRequest = IncomingMessage & { body?: unknown }

/** `(req, res, next)`: what `app.post(path, ...)` takes. */
export type PushMiddleware = (req: PushRequest, res: ServerResponse, next: (err?: any) => void) => void

export interface PushHandlerOptions {
  /** Refuses replays; one per receiver (with `store: 'redis://…'` shared by every worker). */
  guard: PushGuard
  /** The account's apikey (never logged nor put in an error). */
  apikey: string
  /**
   * Runs for each push id once, before the answer: record the event durably and return (the
   * platform wants `success` within 5 seconds). Throwing releases the id and passes the error
   * to `next(err)` (500): the platform's retry is handled again.
   */
  handler: (push: Push, req: PushRequest) => unknown
  /** Runs once the acknowledgement was sent, for the slow work; errors go to `onError`, not retried. */
  after?: (push: Push, req: PushRequest) => unknown
  /** Refuse pushes for another account. */
  expectedSid?: string
  /** Refuse pushes whose `time` is further than this from now, in milliseconds. */
  maxAgeMs?: number
  /** Zone of the push's `time`, in minutes east of UTC (default 480). */
  utcOffsetMinutes?: number
  /** An `after` that failed (default: console.error). */
  onError?: (err: unknown, push: Push) => void
  /** An answer that was not "handled now" (a replay, a refusal, a store failure; `reply.reason` says why). Default: console.warn. */
  onRefused?: (reply: PushReply, req: PushRequest) => void
}

export interface SmsHandlerOptions {
  /** Runs for each SMS push (P0001 reports, P0002 replies) before the answer; throwing answers 500. */
  handler: (sms: SmsPush, req: PushRequest) => unknown
  /** Runs once `success` was sent; errors go to `onError`, not retried. */
  after?: (sms: SmsPush, req: PushRequest) => unknown
  onError?: (err: unknown, sms: SmsPush) => void
  /** A body that does not parse (answered 400). Default: console.warn. */
  onRefused?: (reply: PushReply, req: PushRequest) => void
}

/**
 * Middleware receiving data pushes (OD1002, OD1010): reads the raw body (or takes a Buffer /
 * string `req.body`), then `guard.receive`, and writes the core's `PushReply`. A body already
 * parsed into an object (express.json()) is an error saying how to mount the route.
 */
export declare function pushHandler(options: PushHandlerOptions): PushMiddleware

/** Middleware receiving SMS pushes (P0001, P0002): parses, runs the handler, answers `success`. */
export declare function smsHandler(options: SmsHandlerOptions): PushMiddleware
