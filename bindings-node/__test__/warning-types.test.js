// OD1010: every documented warning type (spec 4.2) arrives from the sandbox with a code that is
// a member of the numeric `WarningType` enum.
const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const http = require('node:http')

const cardboss = require('..')
const { Sandbox } = require('../testing')

const DOCUMENTED = {
  DataLow: 11, VoiceLow: 12, SmsLow: 13, ConnectionsLow: 14, PoolCardAtQuota: 15,
  DataExceeded: 21, VoiceExceeded: 22, SmsExceeded: 23, ConnectionsExceeded: 24,
  PackageExpiring: 31, PackageExpired: 32, NoPackage: 41, CardExpiring: 42, SuspendedAtQuota: 51,
}

/** A receiver on a free port: answers `success`, hands out bodies in arrival order. */
async function receiver () {
  const bodies = []
  const waiting = []
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      res.end(cardboss.PUSH_ACK)
      const body = Buffer.concat(chunks)
      const next = waiting.shift()
      if (next) next(body); else bodies.push(body)
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}/push`,
    next: () => bodies.length ? Promise.resolve(bodies.shift()) : new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => server.close(resolve)),
  }
}

describe('OD1010 warning types', () => {
  it('each documented type arrives as its WarningType member', async () => {
    for (const [name, code] of Object.entries(DOCUMENTED)) {
      assert.equal(cardboss.WarningType[name], code, name)
    }
    const sb = await Sandbox.start({ cards: 2, strict: true })
    const pushes = await receiver()
    try {
      sb.setPushUrl(pushes.url)
      const msisdn = (await sb.client().listCards(1)).cards[0].msisdn
      for (const [name, code] of Object.entries(DOCUMENTED)) {
        assert.equal(sb.sendWarning(msisdn, code).pushed, true)
        const push = cardboss.verifyPush(await pushes.next(), sb.apikey, { expectedSid: sb.sid })
        assert.equal(push.content.kind, 'usage_warnings')
        assert.equal(push.content.warnings.length, 1)
        const [warning] = push.content.warnings
        assert.equal(warning.type, cardboss.WarningType[name], name)
        assert.equal(warning.msisdn, msisdn)
      }
    } finally {
      await sb.close()
      await pushes.close()
    }
  })
})
