// Testing your code against the sandbox, with node:test: `cardboss/testing` runs the sandbox
// inside the test process (no separate server to start).
//
//   node --test sandbox.test.js
'use strict'
const { test } = require('node:test')
const assert = require('node:assert/strict')
const { Sandbox } = require('cardboss/testing')

/**
 * The code under test: suspends the first `limit` cards of the account.
 * @param {import('cardboss').Client} client
 * @param {number} limit
 */
async function suspendIdleCards(client, limit) {
  const cards = (await client.listCards(1)).cards.slice(0, limit).map((c) => c.msisdn)
  for (const msisdn of cards) await client.suspend({ msisdn })
  return cards
}

test('suspends the cards', async () => {
  const sb = await Sandbox.start({ cards: 50, strict: true })
  try {
    const client = sb.client()
    const suspended = await suspendIdleCards(client, 3)
    const details = await client.cardDetails({ msisdns: suspended })
    assert.deepEqual(details.map((d) => d.msstatus), [3, 3, 3])
    // the sandbox's ledger shows exactly what was done
    /** @type {Array<{ cards: string[] }>} */
    const ledger = sb.ledger()
    assert.deepEqual(ledger.map((e) => e.cards[0]).sort(), [...suspended].sort())
  } finally {
    await sb.close()
  }
})
