// The types of `cardboss/fastify`. Structural: they describe the few Fastify methods the plugin
// uses, so the package does not depend on Fastify; a FastifyInstance fits.
import type { Push, PushGuard, PushReply, SmsPush } from './lib'

declare namespace cardbossPush {
  /** The request as the plugin's handlers see it: `body` is the raw Buffer. */
  export interface PushRequest {
    body: unknown
    headers: Record<string, string | string[] | undefined>
  }

  /** What the plugin needs of a Fastify instance. */
  export interface FastifyLike {
    removeAllContentTypeParsers(): unknown
    addContentTypeParser(contentType: any, options: any, parser: any): unknown
    post(path: string, options: any, handler: any): unknown
  }

  export interface CardbossPushOptions {
    /** The data push route (default `/cardboss/push`), when `handler` is given. */
    path?: string
    /** The SMS push route (default `/cardboss/sms`), when `smsHandler` is given. */
    smsPath?: string
    /** Refuses replays; one per receiver (with `store: 'redis://…'` shared by every worker). Required with `handler`. */
    guard?: PushGuard
    /** The account's apikey (never logged nor put in an error); required with `handler`. */
    apikey?: string
    /**
     * Runs for each push id once, before the answer: record the event durably and return (the
     * platform wants `success` within 5 seconds). Throwing releases the id and hands the error
     * to Fastify (500): the platform's retry is handled again.
     */
    handler?: (push: Push, request: PushRequest) => unknown
    /** Runs once the acknowledgement was sent (onResponse), for the slow work; errors go to `onError`, not retried. */
    after?: (push: Push, request: PushRequest) => unknown
    /** Runs for each SMS push (P0001 reports, P0002 replies) before the answer. */
    smsHandler?: (sms: SmsPush, request: PushRequest) => unknown
    /** Runs once an SMS push's `success` was sent. */
    smsAfter?: (sms: SmsPush, request: PushRequest) => unknown
    /** Refuse pushes for another account. */
    expectedSid?: string
    /** Refuse pushes whose `time` is further than this from now, in milliseconds. */
    maxAgeMs?: number
    /** Zone of the push's `time`, in minutes east of UTC (default 480). */
    utcOffsetMinutes?: number
    /** An `after` (or `smsAfter`) that failed (default: console.error). */
    onError?: (err: unknown, push: Push | SmsPush) => void
    /** An answer that was not "handled now" (`reply.reason` says why). Default: console.warn. */
    onRefused?: (reply: PushReply, request: PushRequest) => void
  }

  export { cardbossPush, cardbossPush as default }
}

/**
 * The plugin: `app.register(cardbossPush, { path, smsPath, guard, apikey, handler, after, ... })`.
 * In its own encapsulated context it parses every content type as the raw Buffer and adds the
 * routes; each answer is the core's `PushReply` (status, text/plain body).
 */
declare function cardbossPush(instance: cardbossPush.FastifyLike, options: cardbossPush.CardbossPushOptions): Promise<void>

export = cardbossPush
