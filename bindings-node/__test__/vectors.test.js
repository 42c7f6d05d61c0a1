'use strict'
// The shared cross-language vectors (tests/vectors/*.json, computed by independent tools).
const { describe, it } = require('node:test')
const assert = require('node:assert/strict')
const { readFileSync } = require('node:fs')
const path = require('node:path')
const cardboss = require('../lib.js')

const load = (file) => JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'tests', 'vectors', file), 'utf8'))

describe('shared vectors', () => {
  it('sign.json: request signatures', () => {
    const cases = load('sign.json')
    assert.ok(cases.length > 10)
    for (const c of cases) assert.equal(cardboss.sign(c.parts), c.sign, c.name)
  })

  it('timestamp.json: ts on the platform clock', () => {
    for (const c of load('timestamp.json')) {
      assert.equal(cardboss.timestamp(Date.parse(c.utc), c.offset_minutes), c.ts, `${c.utc} at ${c.offset_minutes}`)
    }
    assert.match(cardboss.timestamp(), /^\d{14}$/)
  })

  it('sms_encrypt.json: encryptSms gives the vector, decryptSms reads plain and wrapped Base64', () => {
    for (const c of load('sms_encrypt.json')) {
      assert.equal(cardboss.encryptSms(c.apikey, c.mobiles, c.content), c.base64, c.name)
      for (const text of [c.base64, c.base64_wrapped]) {
        assert.deepEqual(cardboss.decryptSms(c.apikey, text), { mobiles: c.mobiles, content: c.content }, c.name)
      }
    }
  })

  it('push_sign.json: verifyPush accepts each body (string or Buffer) and gives its fields', () => {
    for (const c of load('push_sign.json')) {
      for (const body of [c.body, Buffer.from(c.body, 'utf8')]) {
        const push = cardboss.verifyPush(body, c.apikey)
        assert.equal(push.sid, c.sid, c.name)
        assert.equal(push.id, c.id, c.name)
        assert.equal(push.sn, c.sn.trim(), c.name)
        assert.equal(push.data, c.data, c.name)
        assert.equal(push.desc, c.desc ?? '', c.name)
        assert.equal(push.api, c.api ?? '', c.name)
        const expected = { OD1002: 'renewal_result', OD1010: 'usage_warnings' }[c.sn.trim()] ?? 'other'
        assert.equal(push.content.kind, expected, c.name)
        if (push.content.kind === 'renewal_result') {
          assert.equal(push.content.result.orderid, JSON.parse(c.data).orderid, c.name)
        } else if (push.content.kind === 'usage_warnings') {
          assert.equal(push.content.warnings.length, JSON.parse(c.data).length, c.name)
        }
      }
      // A wrong apikey is a forgery.
      assert.throws(() => cardboss.verifyPush(c.body, 'f'.repeat(32)), { code: 'PUSH_REJECTED', kind: 'push_rejected' })
    }
  })

  it('billing.json: messages billed', () => {
    for (const c of load('billing.json')) {
      assert.equal(cardboss.smsBillingCount(c.content), c.billed, `${c.content_chars} characters`)
    }
  })
})
