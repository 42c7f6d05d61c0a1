'use strict'
// The package entry. Everything comes from the napi-generated binding (the addon that native.js
// loads, its types in index.d.ts);
// this file only adds what napi cannot generate: `for await` over `client.cards()` and the batch
// streams (native iterators underneath, so that a failure rejects with the full CardbossError),
// the bulk calls that collect those batches, the `isCardbossError` type guard, and the
// translation of napi's argument-type errors into CardbossErrors. Every export is a plain
// `exports.X =` line, so that Node also sees them as named exports of `import { Client } from
// 'cardboss'`.
const native = require('./native.js')

// napi refuses an argument of the wrong JS type (a number for a string, ...) with its own Error
// before any of the addon's code runs. Every entry point turns that into the package's
// CardbossError (`INVALID_INPUT`, built by the core): thrown by the sync ones, rejected by those
// that return a Promise. napi's message is not kept: it can quote the value, e.g. an apikey.
const NAPI_TYPE_ERRORS = {
  InvalidArg: 'has the wrong type',
  ObjectExpected: 'must be an object',
  StringExpected: 'must be a string',
  NameExpected: 'must be a string',
  NumberExpected: 'must be a number',
  BooleanExpected: 'must be a boolean',
  ArrayExpected: 'must be an array',
  FunctionExpected: 'must be a function',
  BigintExpected: 'must be a bigint',
  DateExpected: 'must be a Date',
  ArrayBufferExpected: 'must be an ArrayBuffer or a Buffer',
}
/** Methods that return a value, not a Promise (the other methods of the classes do). */
const SYNC_METHODS = new Set(['cards', 'fleetSync', 'report', 'checkpoint', 'cardDetailBatches', 'currentUsageBatches', 'usageHistoryBatches', 'clearCooldowns', 'close', 'verify', 'checkId'])

function typed(err) {
  if (!(err instanceof Error) || isCardbossError(err) || !Object.hasOwn(NAPI_TYPE_ERRORS, err.code)) return err
  // napi names the field of an options object (`... on CardSet.msisdns`), not a positional one.
  const field = / on (?:\w+\.)*(\w+)$/.exec(err.message)?.[1] ?? 'arguments'
  return native._invalidInput(field, NAPI_TYPE_ERRORS[err.code])
}

function guardFunction(fn, sync) {
  const guarded = sync
    ? function (...args) { try { return fn.apply(this, args) } catch (e) { throw typed(e) } }
    : function (...args) { try { return fn.apply(this, args) } catch (e) { return Promise.reject(typed(e)) } }
  return Object.defineProperty(guarded, 'name', { value: fn.name })
}

function guardClass(Class) {
  for (const [name, property] of Object.entries(Object.getOwnPropertyDescriptors(Class.prototype))) {
    if (name === 'constructor' || typeof property.value !== 'function') continue
    Object.defineProperty(Class.prototype, name, { ...property, value: guardFunction(property.value, SYNC_METHODS.has(name)) })
  }
  return new Proxy(Class, {
    construct(target, args, newTarget) {
      try {
        return Reflect.construct(target, args, newTarget)
      } catch (e) {
        throw typed(e)
      }
    },
  })
}

const Client = guardClass(native.Client)
const PushGuard = guardClass(native.PushGuard)
for (const Class of [native.CardPages, native.CardDetailBatches, native.CurrentUsageBatches, native.MonthlyUsageBatches, native.FleetSyncBatches]) {
  guardClass(Class)
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
// native call, i.e. before anything is sent, and rejects the Promise here.
native.Client.prototype.cardDetails = async function cardDetails(cards) {
  return collect(this.cardDetailBatches(cards))
}
native.Client.prototype.currentUsage = async function currentUsage(cards) {
  return collect(this.currentUsageBatches(cards))
}
native.Client.prototype.usageHistory = async function usageHistory(month, cards, showday) {
  return collect(this.usageHistoryBatches(month, cards, showday))
}

/** True when `err` was thrown or rejected by this package (it then has `code`, `kind`, ...). */
function isCardbossError(err) {
  return err instanceof Error && err.name === 'CardbossError' && typeof err.code === 'string'
}

exports.Client = Client
exports.CardPages = native.CardPages
exports.CardDetailBatches = native.CardDetailBatches
exports.CurrentUsageBatches = native.CurrentUsageBatches
exports.MonthlyUsageBatches = native.MonthlyUsageBatches
exports.FleetSyncBatches = native.FleetSyncBatches
exports.PushGuard = PushGuard
exports.sign = guardFunction(native.sign, true)
exports.timestamp = guardFunction(native.timestamp, true)
exports.encryptSms = guardFunction(native.encryptSms, true)
exports.decryptSms = guardFunction(native.decryptSms, true)
exports.smsBillingCount = guardFunction(native.smsBillingCount, true)
exports.verifyPush = guardFunction(native.verifyPush, true)
exports.parseSmsPush = guardFunction(native.parseSmsPush, true)
exports.Audit = native.Audit
exports.PUSH_ACK = native.PUSH_ACK
exports.VERSION = native.VERSION
exports.isCardbossError = isCardbossError
// Test hooks (not part of the typed API): a panic inside the addon, sync and in a task.
exports._debugPanic = native._debugPanic
exports._debugPanicAsync = native._debugPanicAsync
