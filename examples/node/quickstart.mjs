// Quick start (ES module): every card of the account with `for await`, and a lifecycle
// operation with its error handling. Same environment variables as quickstart.js.
import { Client, isCardbossError } from 'cardboss'

const client = Client.fromEnv()

// Pages are fetched ahead in the background; each card comes once, in order.
let count = 0
let suspendedCard
for await (const card of client.cards()) {
  count++
  suspendedCard ??= card
}
console.log(`${count} cards`)

if (suspendedCard) {
  await client.suspend({ msisdn: suspendedCard.msisdn })
  try {
    // The carrier refuses a repeat within 3 minutes; the SDK refuses it first, sending nothing.
    await client.resume({ msisdn: suspendedCard.msisdn })
  } catch (err) {
    if (isCardbossError(err) && err.code === 'COOLDOWN') {
      console.log(`resume later: retry in ${err.retryAfterMs} ms`)
    } else {
      throw err
    }
  }
}
