'use strict'
// The package entry. Everything comes from the napi-generated binding (the addon that native.js
// loads, its types in index.d.ts); this file only adds what napi cannot generate:
// - `CardbossError`, the class of every error the package throws or rejects with (the addon
//   builds its instances: a JS class is the only way to subclass `Error`);
// - napi's refusals of an argument of the wrong JS type (raised before any of the addon's code
//   runs) as INVALID_INPUT CardbossErrors: thrown by the sync methods, rejected by those that
//   return a Promise — which those are is read from index.d.ts, the types napi generated from
//   the Rust signatures, so no list is kept here;
// - `PushGuard.prototype.handle` (begin, the handler, commit or release) and `.receive` (the
//   same, resolving with the core's `PushReply`), `receiveSmsPush`: the one place a push's
//   steps are sequenced (cardboss/express and cardboss/fastify only write the reply);
// - `for await` over `client.cards()`, the batch streams and `client.bulkRun()`, the bulk calls
//   that collect batches, `Symbol.asyncDispose` (`await using client = ...`).
// Every export is a plain `exports.X =` line (the list at the end), so that Node also sees them
// as named exports of `import { Client } from 'cardboss'`.
const { readFileSync } = require('node:fs')
const path = require('node:path')
const native = require('./native.js')

/** What every function and method of this package throws or rejects with (see lib.d.ts). */
class CardbossError extends Error {}
Object.defineProperty(CardbossError.prototype, 'name', { value: 'CardbossError', writable: true, configurable: true })
native._setErrorClass(CardbossError)

/** `name` of every function that returns a Promise, by class (`''` for free functions). */
function promiseReturning() {
  const byClass = new Map([['', new Set()]])
  let dts = ''
  try {
    dts = readFileSync(path.join(__dirname, 'index.d.ts'), 'utf8')
  } catch {
    return byClass // without it, every napi argument error is thrown
  }
  for (const [, name, body] of dts.matchAll(/^export declare class (\w+)[^\n]*\{\n([\s\S]*?)^\}/gm)) {
    byClass.set(name, new Set([...body.matchAll(/^ {2}(\w+)\(.*\): Promise</gm)].map((m) => m[1])))
  }
  for (const [, name] of dts.matchAll(/^export declare function (\w+)\(.*\): Promise</gm)) byClass.get('').add(name)
  return byClass
}

/** A napi argument-type error as the package's CardbossError; anything else as it is. */
function typed(err) {
  if (!(err instanceof Error) || err instanceof CardbossError || typeof err.code !== 'string') return err
  return native._argumentError(err.code, err.message) ?? err
}

function guard(fn, async) {
  const guarded = async
    ? function (...args) { try { return fn.apply(this, args) } catch (e) { return Promise.reject(typed(e)) } }
    : function (...args) { try { return fn.apply(this, args) } catch (e) { throw typed(e) } }
  return Object.defineProperty(guarded, 'name', { value: fn.name })
}

// Every method of every class, and every function, of the addon.
const asyncNames = promiseReturning()
const guarded = {}
for (const [name, value] of Object.entries(native)) {
  if (typeof value !== 'function' || name.startsWith('_')) continue
  if (/^[A-Z]/.test(name)) {
    const promises = asyncNames.get(name) ?? new Set()
    for (const [method, property] of Object.entries(Object.getOwnPropertyDescriptors(value.prototype))) {
      if (method === 'constructor' || typeof property.value !== 'function') continue
      Object.defineProperty(value.prototype, method, { ...property, value: guard(property.value, promises.has(method)) })
    }
  } else {
    guarded[name] = guard(value, asyncNames.get('').has(name))
  }
}

/** Every card, page after page; stops the background fetching when the loop ends. */
native.CardPages.prototype[Symbol.asyncIterator] = async function* cards() {
  try {
    for (let page = await this.nextPage(); page != null; page = await this.nextPage()) {
      yield* page
    }
  } finally {
    this.close()
  }
}

/** Each batch, in input order; stops the background fetching when the loop ends. */
async function* batches() {
  try {
    for (let batch = await this.nextBatch(); batch != null; batch = await this.nextBatch()) {
      yield batch
    }
  } finally {
    this.close()
  }
}
for (const Batches of [native.CardDetailBatches, native.CurrentUsageBatches, native.MonthlyUsageBatches, native.FleetSyncBatches]) {
  Batches.prototype[Symbol.asyncIterator] = batches
}

/** Each card's outcome as it is settled; leaving the loop early cancels the run (its requests
 * in flight finish, the rest are `not_attempted`; `report()` names every card). */
native.BulkRun.prototype[Symbol.asyncIterator] = async function* outcomes() {
  try {
    for (let outcome = await this.nextOutcome(); outcome != null; outcome = await this.nextOutcome()) {
      yield outcome
    }
  } finally {
    this.cancel()
  }
}

/** Every batch's records in one array (the bulk calls below). */
async function collect(pending) {
  const all = []
  for await (const batch of pending) {
    for (const record of batch) all.push(record)
  }
  return all
}

// The bulk calls collect the native batch streams: every batch is parsed and released as it
// arrives, so the records are never held twice (see src/batches.rs). Bad input throws in the
// native call, i.e. before anything is sent, and rejects the Promise here; `call` (signal,
// timeoutMs) bounds the whole stream.
native.Client.prototype.cardDetails = async function cardDetails(cards, call) {
  return collect(this.cardDetailBatches(cards, call))
}
native.Client.prototype.currentUsage = async function currentUsage(cards, call) {
  return collect(this.currentUsageBatches(cards, call))
}
native.Client.prototype.usageHistory = async function usageHistory(month, cards, showday, call) {
  return collect(this.usageHistoryBatches(month, cards, showday, call))
}

/** `begin`, then the handler, then `commit` (resolves with the handler's value); a handler that
 * throws or rejects releases the id (so the platform's retry is accepted) and its error is
 * rethrown unchanged. Only sequencing: every rule is in the core's begin/commit/release. */
native.PushGuard.prototype.handle = async function handle(body, apikey, handler, options) {
  // A JS argument napi never sees: refused like napi's own, before the id is claimed.
  if (typeof handler !== 'function') throw native._argumentError('FunctionExpected', 'Expected a function on handler')
  const ticket = await this.begin(body, apikey, options)
  let value
  try {
    value = await handler(ticket.push)
  } catch (err) {
    await ticket.release()
    throw err
  }
  await ticket.commit()
  return value
}

/** What a receiver answers, in the order of the design (guard.begin, handler, ticket.finish):
 * the guard's refusal → the core's reply for it (a replay: `success` again; the handler does not
 * run); the handler throws or rejects → the id is released and its error rethrown unchanged (the
 * framework answers 500, the platform retries); otherwise the core's reply of the commit
 * (`success`, or 503 when the store could not record it). Only sequencing: no status here. */
native.PushGuard.prototype.receive = async function receive(body, apikey, handler, options) {
  if (typeof handler !== 'function') throw native._argumentError('FunctionExpected', 'Expected a function on handler')
  let ticket
  try {
    ticket = await this.begin(body, apikey, options)
  } catch (err) {
    if (!(err instanceof CardbossError)) throw err
    return native.pushReply(err.kind, err.message)
  }
  try {
    await handler(ticket.push)
  } catch (err) {
    await ticket.finish(false)
    throw err
  }
  return ticket.finish(true)
}

/** An SMS push (P0001 reports, P0002 replies: unsigned, without an id): a body that does not
 * parse → the core's reply for the refusal (400, the handler does not run); the handler throws
 * → its error, unchanged; otherwise `success`. */
async function receiveSmsPush(body, handler) {
  if (typeof handler !== 'function') throw native._argumentError('FunctionExpected', 'Expected a function on handler')
  let sms
  try {
    sms = guarded.parseSmsPush(body)
  } catch (err) {
    if (!(err instanceof CardbossError)) throw err
    return native.pushReply(err.kind, err.message)
  }
  await handler(sms)
  return native.pushAck()
}

if (Symbol.asyncDispose) {
  /** `await using client = new Client(...)` closes it at the end of the block. */
  native.Client.prototype[Symbol.asyncDispose] = async function asyncDispose() {
    this.close()
  }
}

/** True when `err` was thrown or rejected by this package (it then has `code`, `kind`, ...). */
function isCardbossError(err) {
  return err instanceof CardbossError
}

exports.Client = native.Client
exports.CardPages = native.CardPages
exports.CardDetailBatches = native.CardDetailBatches
exports.CurrentUsageBatches = native.CurrentUsageBatches
exports.MonthlyUsageBatches = native.MonthlyUsageBatches
exports.FleetSyncBatches = native.FleetSyncBatches
exports.BulkRun = native.BulkRun
exports.PushGuard = native.PushGuard
exports.PushTicket = native.PushTicket
exports.sign = guarded.sign
exports.timestamp = guarded.timestamp
exports.encryptSms = guarded.encryptSms
exports.decryptSms = guarded.decryptSms
exports.smsBillingCount = guarded.smsBillingCount
exports.verifyPush = guarded.verifyPush
exports.parseSmsPush = guarded.parseSmsPush
exports.pushReply = guarded.pushReply
exports.pushAck = guarded.pushAck
exports.receiveSmsPush = receiveSmsPush
exports.Audit = native.Audit
exports.WarningType = native.WarningType
exports.PUSH_ACK = native.PUSH_ACK
exports.MAX_PUSH_BODY = native.MAX_PUSH_BODY
exports.VERSION = native.VERSION
exports.CardbossError = CardbossError
exports.isCardbossError = isCardbossError
// Test hooks (not part of the typed API): a panic inside the addon, sync and in a task.
exports._debugPanic = native._debugPanic
exports._debugPanicAsync = native._debugPanicAsync
