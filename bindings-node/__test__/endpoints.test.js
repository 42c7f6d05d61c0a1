'use strict'
// Every endpoint, against the sandbox answering in the spec's example style and in its table
// style: the results are the same plain objects, keyed by the spec's table field names.
const { describe, it, before, after } = require('node:test')
const assert = require('node:assert/strict')
const cardboss = require('../lib.js')
const { startSandbox } = require('./sandbox.js')

for (const style of ['example', 'table']) {
  describe(`every endpoint, ${style} style`, () => {
    let sb, client, cards

    before(async () => {
      sb = await startSandbox({ style, cards: 250 })
      client = new cardboss.Client(sb.options())
      cards = (await client.listCards(1)).cards
    })
    after(() => sb.stop())

    it('customer/get', async () => {
      const me = await client.customer()
      assert.equal(me.sid, sb.ready.sid)
      assert.equal(typeof me.balance, 'number')
      assert.equal(me.cardqty, 250)
      assert.equal(typeof me.extra, 'object')
    })

    it('card/list, one page', async () => {
      const page = await client.listCards(2)
      assert.equal(page.pageindex, 2)
      assert.equal(page.totalpage, 3)
      assert.equal(page.count, 250)
      assert.equal(page.cards.length, 100)
      assert.match(page.cards[0].msisdn, /^\d+$/)
      assert.match(page.cards[0].iccid, /^[0-9A-Za-z]{19,20}$/)
      assert.equal(typeof page.cards[0].state, 'number')
    })

    it('card/list, every card with for await', async () => {
      const seen = []
      for await (const card of client.cards()) seen.push(card.msisdn)
      assert.equal(seen.length, 250)
      assert.equal(new Set(seen).size, 250)
      assert.equal(seen[0], cards[0].msisdn)
    })

    it('card/list, page by page and stopping early', async () => {
      const pages = client.cards()
      const first = await pages.nextPage()
      assert.equal(first.length, 100)
      pages.close()
      assert.equal(await pages.nextPage(), null)
      let n = 0
      for await (const _ of client.cards()) if (++n === 5) break
      assert.equal(n, 5)
    })

    it('card/detail by msisdns and by iccids', async () => {
      const byMsisdn = await client.cardDetails({ msisdns: cards.slice(0, 3).map((c) => c.msisdn) })
      assert.deepEqual(byMsisdn.map((d) => d.msisdn), cards.slice(0, 3).map((c) => c.msisdn))
      for (const d of byMsisdn) {
        assert.ok(['CM', 'CT', 'UN'].includes(d.mno), `mno ${d.mno}`)
        assert.equal(typeof d.msstatus, 'number')
        assert.equal(typeof d.onoff, 'string')
        assert.equal(typeof d.online, 'string')
        assert.equal(typeof d.pkgusedflow, 'number')
      }
      const byIccid = await client.cardDetails({ iccids: [cards[4].iccid] })
      assert.equal(byIccid[0].iccid, cards[4].iccid)
    })

    it('text outside ASCII arrives intact in bulk results (they cross as escaped ASCII JSON)', async () => {
      const ids = cards.slice(0, 20).map((c) => c.msisdn)
      const details = await client.cardDetails({ msisdns: ids })
      let compared = 0
      for (const d of details) {
        // packages() crosses as a napi object: its strings are the reference.
        const main = (await client.packages({ msisdn: d.msisdn })).pkgs.find((p) => p.mainpkg)
        if (!main) continue
        assert.equal(d.pkgname, main.pkgname)
        assert.match(d.pkgname, /[^\x00-\x7f]/, 'the sandbox names its packages in Chinese')
        compared++
      }
      assert.ok(compared > 0, 'no card with a main package among the first 20')
    })

    it('card/detail batches of 100, in input order', async () => {
      const all = []
      for await (const card of client.cards()) all.push(card.msisdn)
      const details = await client.cardDetails({ msisdns: all })
      assert.deepEqual(details.map((d) => d.msisdn), all)
    })

    it('card/usage/current', async () => {
      const usage = await client.currentUsage({ msisdns: [cards[0].msisdn, cards[1].msisdn] })
      assert.equal(usage.length, 2)
      assert.equal(usage[0].msisdn, cards[0].msisdn)
      assert.equal(usage[0].iccids, cards[0].iccid)
      assert.equal(typeof usage[0].flowusage, 'number')
    })

    it('card/usage/past', async () => {
      const month = cardboss.timestamp().slice(0, 6)
      const usage = await client.usageHistory(month, { iccids: [cards[0].iccid] })
      assert.equal(usage.length, 1)
      assert.equal(usage[0].month, month)
      assert.equal(usage[0].iccid, cards[0].iccid)
      const withDays = await client.usageHistory(month, { msisdns: [cards[0].msisdn] }, '1')
      assert.equal(withDays[0].msisdn, cards[0].msisdn)
    })

    it('card/abnormal and card/usage/day: withdrawn (1098), served in legacy mode', async () => {
      const day = cardboss.timestamp().slice(0, 8)
      await assert.rejects(client.arrears(1), { code: '1098', kind: 'api' })
      await assert.rejects(client.dailyUsage(day, { msisdns: [cards[0].msisdn] }), { code: '1098' })
      await sb.admin('POST', 'config', { legacy: true })
      try {
        const page = await client.arrears(1)
        assert.equal(page.pageindex, 1)
        assert.ok(Array.isArray(page.cards))
        const daily = await client.dailyUsage(day, { msisdns: [cards[0].msisdn, cards[1].msisdn] })
        assert.equal(daily.day, day)
        assert.equal(daily.usages.length, 2)
        assert.equal(daily.usages[0].msisdn, cards[0].msisdn)
      } finally {
        await sb.admin('POST', 'config', { legacy: false })
      }
    })

    it('card/pkg/get', async () => {
      const list = await client.packages({ msisdn: cards[0].msisdn })
      assert.equal(list.msisdn, cards[0].msisdn)
      assert.ok(list.pkgs.length >= 1)
      assert.equal(typeof list.pkgs[0].mainpkg, 'boolean')
      assert.equal(typeof list.pkgs[0].buycycle, 'number')
      const byIccid = await client.packages({ iccid: cards[0].iccid })
      assert.equal(byIccid.pkgs.length, list.pkgs.length)
    })

    it('pool/list', async () => {
      const pools = await client.pools()
      assert.ok(pools.length >= 1)
      assert.equal(typeof pools[0].poolid, 'string')
      assert.equal(typeof pools[0].pttotalflow, 'number')
    })

    it('card/pkg/renew', async () => {
      let card, pkg
      for (const c of cards.slice(20)) {
        card = { msisdn: c.msisdn }
        pkg = (await client.packages(card)).pkgs.find((p) => p.mainpkg) // pooled cards have none
        if (pkg) break
      }
      assert.ok(pkg, 'a card with a package')
      const months = pkg.pkgcategory === 1 ? Math.max(12, pkg.buycycle) : Math.max(1, pkg.buycycle)
      const order = await client.renew(card, pkg.pkgcode, months, { audit: cardboss.Audit.Automatic, remark: 'node test' })
      assert.equal(order.msisdn, card.msisdn)
      assert.ok(order.orderid.length > 0)
      assert.ok(order.orderamount > 0)
      const orders = await sb.admin('GET', 'orders')
      assert.ok(orders.some((o) => o.orderid === order.orderid))
    })

    it('lifecycle operations on port2', async () => {
      await client.endTestPeriod({ msisdn: cards[30].msisdn })
      await client.forceActivate({ iccid: cards[31].iccid })
      await client.suspend({ msisdn: cards[32].msisdn })
      assert.equal((await client.cardDetails({ msisdns: [cards[32].msisdn] }))[0].msstatus, 3)
      await client.resume({ msisdn: cards[33].msisdn })
      // A card with several APNs open needs the APN named.
      const [d34, d35] = await client.cardDetails({ msisdns: [cards[34].msisdn, cards[35].msisdn] })
      const apn = (d) => (d.openapns.includes(',') ? d.openapns.split(',')[0] : undefined)
      assert.equal(await client.disableData({ msisdn: d34.msisdn }, apn(d34)), undefined)
      await client.enableData({ msisdn: d35.msisdn }, apn(d35))
      await client.addVoiceWhitelist({ msisdn: cards[36].msisdn }, ['13800000001', '13800000002'])
      await client.removeVoiceWhitelist({ msisdn: cards[37].msisdn }, ['13800000001'])
      const ledger = await sb.admin('GET', 'ledger')
      const endpoints = new Set(ledger.map((e) => e.endpoint))
      for (const ep of ['card/stoptest', 'card/foractive', 'card/stopkeep', 'card/switchnet', 'card/setvoicewhitetable']) {
        assert.ok(endpoints.has(ep), `${ep} reached the sandbox`)
      }
    })

    it('SMS: plain, encrypted, template; reports and replies', async () => {
      const mobiles = [cards[40].msisdn, cards[41].msisdn]
      const plain = await client.sendIotSms(mobiles, 'reboot now')
      assert.equal(plain.count, 2)
      assert.equal(plain.fee, 2)
      assert.ok(plain.taskid.length > 0)
      assert.deepEqual(plain.taskids, [plain.taskid])
      const encrypted = await client.sendIotSmsEncrypted([cards[42].msisdn], '重启设备')
      assert.equal(encrypted.count, 1)
      const template = await client.sendTemplateSms(['13800000001'], '1001', { 1: '张先生', 2: '即将到期' })
      assert.equal(template.count, 1)
      const reports = await client.smsReports()
      assert.ok(reports.length >= 3)
      assert.ok(reports.some((r) => r.taskid === plain.taskid && r.mobile === cards[40].msisdn))
      assert.ok(reports.every((r) => typeof r.state === 'string' && r.state.length > 0))
      await sb.admin('POST', 'sms/upstream', { mobile: cards[43].msisdn, content: 'hello from device' })
      const replies = await client.smsReplies()
      const reply = replies.find((r) => r.content === 'hello from device')
      assert.ok(reply, 'the injected reply comes back')
      assert.equal(reply.mobile, cards[43].msisdn)
      assert.ok(reply.scode.length > 0)
    })
  })
}
