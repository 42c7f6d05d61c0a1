'use strict'
// The package entry. Everything comes from the napi-generated binding (index.js, index.d.ts);
// this file only adds what napi cannot generate: `for await` over `client.cards()` (a native
// page iterator underneath, so that a failed page rejects with the full CardbossError) and the
// `isCardbossError` type guard. Every export is a plain `exports.X =` line, so that Node also
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

/** True when `err` was thrown or rejected by this package (it then has `code`, `kind`, ...). */
function isCardbossError(err) {
  return err instanceof Error && err.name === 'CardbossError' && typeof err.code === 'string'
}

exports.Client = native.Client
exports.CardPages = native.CardPages
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
