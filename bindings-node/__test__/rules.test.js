'use strict'
// The core's value rules as JS passes them (issue 20): template variables from an array or an
// object, the audit mode by code or `Audit` member, the month / day windows. Each check reads
// what the sandbox received (the SMS it rendered, the order it recorded) or that it received
// nothing.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

const FILLED = '尊敬的xx客户，您的物联网卡用量即将到期，请及时处理。'

describe('value rules', () => {
  let sb, client, cards

  before(async () => {
    sb = await startSandbox({ cards: 120 })
    client = new cardboss.Client(sb.options())
    cards = (await client.listCards(1)).cards
  })
  after(() => sb.stop())

  const total = async () => (await sb.admin('GET', 'stats')).total
  const lastTemplateText = async () => (await sb.admin('GET', 'ledger')).filter((e) => e.endpoint === 'sms/sendsms').at(-1).details.text
  const today = async () => new Date(`${(await sb.admin('GET', 'clock')).now.slice(0, 10)}T00:00:00Z`)
  const monthBack = async (back) => {
    const d = await today()
    const index = d.getUTCFullYear() * 12 + d.getUTCMonth() - back
    return `${Math.floor(index / 12)}${String((index % 12) + 1).padStart(2, '0')}`
  }
  const dayBack = async (back) => {
    const d = await today()
    d.setUTCDate(d.getUTCDate() - back)
    return d.toISOString().slice(0, 10).replaceAll('-', '')
  }
  const invalid = (field) => (e) => cardboss.isCardbossError(e) && e.code === 'INVALID_INPUT' && e.field === field

  it('template variables from an array fill @1@, @2@ in order; an object keeps working', async () => {
    for (const params of [['xx客户', '用量即将到期'], { 1: 'xx客户', 2: '用量即将到期' }, { 2: '用量即将到期', 1: 'xx客户' }, { '@1@': 'xx客户', '@2@': '用量即将到期' }]) {
      const receipt = await client.sendTemplateSms(['13800000001'], '1001', params)
      assert.equal(receipt.count, 1)
      assert.equal(await lastTemplateText(), FILLED, JSON.stringify(params))
    }
  })

  it('a template key that is not a positive number is INVALID_INPUT, nothing sent', async () => {
    const before = await total()
    for (const params of [{ 0: 'a' }, { '-1': 'a' }, { x: 'a' }, { '': 'a' }, { 1: 'a|b' }, ['a|b']]) {
      await assert.rejects(client.sendTemplateSms(['13800000001'], '1001', params), invalid('params'), JSON.stringify(params))
    }
    assert.equal(await total(), before)
  })

  it('audit: the spec code or the Audit member, sent as the code', async () => {
    assert.equal(cardboss.Audit.Manual, 1)
    assert.equal(cardboss.Audit.Automatic, 2)
    let n = 0
    for (const [audit, code] of [[2, 2], [1, 1], [cardboss.Audit.Automatic, 2], [cardboss.Audit.Manual, 1]]) {
      let order
      for (const card of cards.slice(n)) {
        n += 1
        const pkg = (await client.packages({ msisdn: card.msisdn })).pkgs.find((p) => p.pkgcode)
        if (!pkg) continue
        order = await client.renew({ msisdn: card.msisdn }, pkg.pkgcode, Math.max(pkg.buycycle, 12), { audit, repetition: true })
        break
      }
      assert.ok(order, 'a renewable card')
      const recorded = (await sb.admin('GET', 'orders')).filter((o) => o.orderid === order.orderid)
      assert.deepEqual(recorded.map((o) => o.audit), [code], `audit ${audit}`)
    }
  })

  it('an audit value that is no mode is INVALID_INPUT, nothing sent', async () => {
    const before = await total()
    for (const audit of [0, 3, -1]) {
      await assert.rejects(client.renew({ msisdn: cards[0].msisdn }, 'xagx020', 12, { audit }), invalid('audit'), `audit ${audit}`)
    }
    assert.equal(await total(), before)
  })

  it('months in the last three are sent', async () => {
    for (const back of [0, 2]) {
      const month = await monthBack(back)
      const [usage] = await client.usageHistory(month, { msisdns: [cards[0].msisdn] })
      assert.equal(usage.month, month)
    }
  })

  it('months outside the last three (future ones too) and days outside the last seven are INVALID_INPUT, nothing sent', async () => {
    const before = await total()
    for (const back of [-1, -12, 3, 12]) {
      const month = await monthBack(back)
      await assert.rejects(client.usageHistory(month, { msisdns: [cards[0].msisdn] }), invalid('month'), month)
      assert.throws(() => client.usageHistoryBatches(month, { msisdns: [cards[0].msisdn] }), invalid('month'), month)
    }
    for (const back of [-1, 7, 30]) {
      const day = await dayBack(back)
      await assert.rejects(client.dailyUsage(day, { msisdns: [cards[0].msisdn] }), invalid('day'), day)
    }
    assert.equal(await total(), before)
  })
})
