'use strict'
// What the bulk tests share: the sandbox's suspendable cards, and its ledger per card.

/** `n` cards in state 正常 (msstatus 2, suspendable), in list order. */
async function normalCards(client, n) {
  const msisdns = []
  for await (const card of client.cards()) msisdns.push(card.msisdn)
  const normal = (await client.cardDetails({ msisdns })).filter((d) => d.msstatus === 2).map((d) => d.msisdn)
  if (normal.length < n) throw new Error(`only ${normal.length} suspendable cards, ${n} wanted`)
  return normal.slice(0, n)
}

/** Applied card/stopkeep operations per card, from the sandbox's ledger (`'0'` suspend, `'1'` resume). */
function applied(sb, stopkeep) {
  const count = new Map()
  for (const e of sb.ledger()) {
    if (e.endpoint.endsWith('card/stopkeep') && e.applied && e.details.stopkeep === stopkeep) {
      for (const c of e.cards) count.set(c, (count.get(c) ?? 0) + 1)
    }
  }
  return count
}

/** Outcomes by card; fails when a card was settled twice. */
function byCard(outcomes) {
  const map = Object.fromEntries(outcomes.map((o) => [o.card, o]))
  if (Object.keys(map).length !== outcomes.length) throw new Error('a card was settled twice')
  return map
}

module.exports = { normalCards, applied, byCard }
