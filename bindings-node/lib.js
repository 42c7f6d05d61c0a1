'use strict'
// The package entry. Everything comes from the napi-generated binding (index.js, index.d.ts);
// this file only adds what napi cannot generate: `for await` over `client.cards()` and the batch
// streams (native iterators underneath, so that a failure rejects with the full CardbossError),
// the bulk calls that collect those batches, and the `isCardbossError` type guard. Every export is a plain `exports.X =` line, so that Node also
// sees them as named exports of `import { Client } from 'cardboss'`.
const native = require('./index.js')

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
for (const Batches of [native.CardDetailBatches, native.CurrentUsageBatches, native.MonthlyUsageBatches]) {
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

exports.Client = native.Client
exports.CardPages = native.CardPages
exports.CardDetailBatches = native.CardDetailBatches
exports.CurrentUsageBatches = native.CurrentUsageBatches
exports.MonthlyUsageBatches = native.MonthlyUsageBatches
exports.PushGuard = native.PushGuard
exports.sign = native.sign
exports.timestamp = native.timestamp
exports.encryptSms = native.encryptSms
exports.decryptSms = native.decryptSms
exports.smsBillingCount = native.smsBillingCount
exports.verifyPush = native.verifyPush
exports.parseSmsPush = native.parseSmsPush
exports.PUSH_ACK = native.PUSH_ACK
exports.VERSION = native.VERSION
exports.isCardbossError = isCardbossError
// Test hooks (not part of the typed API): a panic inside the addon, sync and in a task.
exports._debugPanic = native._debugPanic
exports._debugPanicAsync = native._debugPanicAsync
