// Typed use of the whole public API: checked with `tsc --strict --noEmit` (npm run typecheck),
// never run. Every call compiles against lib.d.ts / index.d.ts as a user's code would.
import {
  Client,
  PushGuard,
  PUSH_ACK,
  VERSION,
  decryptSms,
  encryptSms,
  isCardbossError,
  parseSmsPush,
  sign,
  smsBillingCount,
  timestamp,
  verifyPush,
  Audit,
  WarningType,
  type PushTicket,
  type PushReply,
  pushReply,
  pushAck,
  receiveSmsPush,
  MAX_PUSH_BODY,
  type Card,
  type CardDetail,
  type CardPage,
  type CardPages,
  type BulkOutcome,
  type BulkReport,
  type BulkRun,
  type BulkSettings,
  type CardDetailBatches,
  type MonthlyUsageBatches,
  type CardRef,
  type CardSet,
  CardbossError,
  type CallOptions,
  type ClientOptions,
  type CurrentUsage,
  type Customer,
  type ErrorInfo,
  type MonthlyUsage,
  type PackageList,
  type Pool,
  type Push,
  type PushContent,
  type RenewOptions,
  type RenewalOrder,
  type SmsPlaintext,
  type SmsPush,
  type SmsReceipt,
  type SmsReply,
  type SmsReport,
} from 'cardboss'
import { pushHandler, smsHandler, type PushRequest } from 'cardboss/express'
import cardbossPush = require('cardboss/fastify')
import express = require('express')
import Fastify = require('fastify')

/** The helpers' types fit Express's and Fastify's own (their packages' types, not ours). */
function frameworks(guard: PushGuard, apikey: string): void {
  const app = express()
  app.post('/cardboss/push', pushHandler({
    guard,
    apikey,
    expectedSid: '10043',
    maxAgeMs: 600_000,
    handler: (push: Push, req: PushRequest) => { void [push.id, req.headers] },
    after: async (push: Push) => { void push.content },
    onError: (err: unknown, push: Push) => { void [err, push] },
    onRefused: (reply: PushReply) => { void reply.reason },
  }))
  app.post('/cardboss/sms', express.raw({ type: () => true }), smsHandler({ handler: (sms: SmsPush) => sms.kind }))
  const fastify = Fastify()
  fastify.register(cardbossPush, { path: '/p', smsPath: '/s', guard, apikey, handler: (push: Push) => push.id, smsHandler: (sms: SmsPush) => sms.kind })
  fastify.register(cardbossPush.cardbossPush, { apikey, handler: () => {} })
}
void frameworks

async function everything(): Promise<void> {
  const options: ClientOptions = {
    sid: '10043',
    apikey: '0123456789abcdef0123456789abcdef',
    baseUrl: 'http://127.0.0.1:9011',
    opsUrl: 'http://127.0.0.1:8111',
    timeoutMs: 30_000,
    connectTimeoutMs: 5_000,
    maxRetries: 3,
    concurrency: 8,
    utcOffsetMinutes: 480,
    cooldownGuard: true,
    cooldownStore: 'file:///var/lib/app/cooldowns.json',
  }
  const client = new Client(options)
  const apikey: string = options.apikey ?? ''
  const minimal = new Client({ sid: '10043', apikey: '0123456789abcdef0123456789abcdef' })
  minimal.clearCooldowns()
  // Every option is optional in the type (the core's ClientOptions); a missing sid is INVALID_INPUT.

  const me: Customer = await client.customer()
  const balance: number = me.balance
  const extra: Record<string, string> = me.extra
  const signature: string | undefined = extra['signature']

  const page: CardPage = await client.listCards(1)
  const first: Card = page.cards[0]
  const pages: CardPages = client.cards()
  for await (const card of client.cards()) {
    const msisdn: string = card.msisdn
    void msisdn
  }
  const next: Card[] | null | undefined = await pages.nextPage()
  pages.close()

  const set: CardSet = { msisdns: [first.msisdn] }
  const byIccid: CardSet = { iccids: [first.iccid] }
  const one: CardRef = { msisdn: first.msisdn }
  const details: CardDetail[] = await client.cardDetails(set)
  const mno: string = details[0].mno
  const activated: string | undefined = details[0].activedate
  const usage: CurrentUsage[] = await client.currentUsage(byIccid)
  const detailBatches: CardDetailBatches = client.cardDetailBatches(set)
  for await (const batch of detailBatches) {
    const batchOf: CardDetail[] = batch
    void batchOf
  }
  const nextDetails: CardDetail[] | null = await client.cardDetailBatches(set).nextBatch()
  for await (const batch of client.currentUsageBatches(byIccid)) {
    const flow: number = batch[0].flowusage
    void flow
  }
  const historyBatches: MonthlyUsageBatches = client.usageHistoryBatches('202401', set, '1')
  historyBatches.close()
  const history: MonthlyUsage[] = await client.usageHistory(timestamp().slice(0, 6), set)
  const withDays: MonthlyUsage[] = await client.usageHistory('202401', set, '1')
  const arrears = await client.arrears(1) // deprecated, still typed
  const daily = await client.dailyUsage('20240101', set)
  const pkgs: PackageList = await client.packages({ iccid: first.iccid })
  const pools: Pool[] = await client.pools()

  const audit: Audit = Audit.Automatic
  const renewOptions: RenewOptions = { repetition: false, startdate: '2024-05-01', audit, remark: 'r' }
  // @ts-expect-error audit is Audit.Manual (1) or Audit.Automatic (2)
  const badOptions: RenewOptions = { audit: 'sometimes' }
  const order: RenewalOrder = await client.renew(one, pkgs.pkgs[0].pkgcode, 12, renewOptions)
  const packageOrder: RenewalOrder = await client.renewPackage(one, pkgs.pkgs[0], 12)
  // @ts-expect-error renewPackage takes the package as packages() listed it, not its code
  await client.renewPackage(one, pkgs.pkgs[0].pkgcode, 12)
  const done: undefined = await client.suspend(one)
  await client.resume(one)
  await client.endTestPeriod(one)
  await client.forceActivate(one)
  await client.disableData(one, 'CMIOT')
  await client.enableData(one, undefined, 20)
  await client.addVoiceWhitelist(one, ['13800000001'], 'group1')
  await client.removeVoiceWhitelist(one, ['13800000001'])

  const receipt: SmsReceipt = await client.sendIotSms([first.msisdn], 'reboot')
  const taskids: string[] = receipt.taskids
  await client.sendIotSmsEncrypted([first.msisdn], 'reboot')
  await client.sendTemplateSms(['13800000001'], '1001', { 1: 'a', 2: 'b' })
  const reports: SmsReport[] = await client.smsReports()
  const replies: SmsReply[] = await client.smsReplies()

  const ts: string = timestamp(Date.now(), 480)
  const s: string = sign(['10043', apikey, ts])
  const text: string = encryptSms(apikey, ['1064787000001'], 'hi')
  const plain: SmsPlaintext = decryptSms(apikey, text)
  const billed: number = smsBillingCount('hello')
  const ack: string = PUSH_ACK
  const version: string = VERSION

  const push: Push = verifyPush(Buffer.from('{}'), apikey, { expectedSid: '10043', maxAgeMs: 300_000, utcOffsetMinutes: 480 })
  const content: PushContent = push.content
  switch (content.kind) {
    case 'renewal_result': {
      const status: number = content.result.status
      void status
      break
    }
    case 'usage_warnings': {
      const count: number = content.warnings.length
      void count
      break
    }
    case 'other':
      break
  }
  const guard = new PushGuard({ store: 'redis://127.0.0.1:6379/0', capacity: 1000, ttlMs: 3_600_000, inFlightMs: 60_000 })
  const ticket: PushTicket = await guard.begin('{}', apikey, { expectedSid: '10043' })
  const claimed: Push = ticket.push
  const open: boolean = ticket.isOpen
  void [claimed, open]
  const finished: PushReply = await ticket.finish(true)
  const reply: PushReply = await guard.receive(Buffer.from('{}'), apikey, async (p: Push) => { void p.id })
  const status: number = reply.status
  const why: string | undefined = reply.reason
  const again: PushReply = pushReply('push_replay', 'push 1 was already handled (a replay)')
  const smsReply: PushReply = await receiveSmsPush('{}', (s: SmsPush) => s.kind)
  const limit: number = MAX_PUSH_BODY
  void [finished, status, why, again, pushAck().body, smsReply, limit]
  const committed: Push = await ticket.commit()
  void committed
  const released: void = await ticket.release()
  void released
  const orderid: string | null = await guard.handle(Buffer.from('{}'), apikey, async (p: Push) =>
    p.content.kind === 'renewal_result' ? p.content.result.orderid : null)
  void orderid
  new PushGuard()
  const low: WarningType = WarningType.DataLow
  void low

  const sms: SmsPush = parseSmsPush('{}')
  if (sms.kind === 'reports') {
    const state: string = sms.reports[0].state
    void state
  } else {
    const scode: string = sms.replies[0].scode
    void scode
  }

  const controller = new AbortController()
  const call: CallOptions = { signal: controller.signal, timeoutMs: 5000 }
  const bounded: Customer = await client.customer(call)
  const boundedDetails: CardDetail[] = await client.cardDetails({ msisdns: ['1064787000001'] }, { timeoutMs: 10_000 })
  void [bounded, boundedDetails]
  try {
    await client.suspend({ msisdn: '1064787000001' }, { signal: AbortSignal.timeout(1000) })
  } catch (err: unknown) {
    if (err instanceof CardbossError && (err.kind === 'push_replay' || err.kind === 'push_in_flight' || err.kind === 'store_unavailable')) {
      void err.code
    }
    if (err instanceof CardbossError && err.kind === 'cancelled' && err.outcomeUnknown) {
      const wait: number | undefined = err.retryAfterMs
      void wait
    }
  }
  const settings: BulkSettings = { journal: 'suspend.jsonl', dryRun: false, waitCooldowns: true, checkState: true, concurrency: 4, deadlineMs: 60_000, maxRequeues: 5 }
  const report: BulkReport = await client.bulk('suspend', { cards: ['1064787000001', '89860000000000000001'] }, { ...settings, signal: controller.signal })
  const renewed: BulkReport = await client.bulk('renew', { msisdns: ['1064787000001'] }, { pkgcode: 'P1', months: 12, audit: Audit.Automatic, remark: 'bulk' })
  const stopped: string | undefined = report.stopped
  const run: BulkRun = client.bulkRun('resume', { iccids: ['89860000000000000001'] })
  for await (const outcome of run) {
    const o: BulkOutcome = outcome
    const status: 'done' | 'refused' | 'unknown' | 'skipped' | 'not_attempted' = o.status
    const observed: number | undefined = o.observedMsstatus
    void [status, observed, o.card, o.note, o.orderid, o.attempts, o.reconciled]
  }
  const firstOutcome: BulkOutcome | null = await client.bulkRun('enable_data', { msisdns: ['1064787000001'] }, { minLeftPercent: 10 }).nextOutcome()
  const sofar: BulkReport = await run.report()
  run.cancel()
  void [renewed, stopped, firstOutcome, sofar.outcomes.length, sofar.fromJournal]
  const disposeClient: () => Promise<void> = () => client[Symbol.asyncDispose]()
  void disposeClient
  client.close()

  try {
    await client.customer()
  } catch (err: unknown) {
    if (isCardbossError(err)) {
      const e: CardbossError = err
      const info: ErrorInfo = e
      const code: string = e.code
      const kind: string = e.kind
      const retry: number | undefined = e.retryAfterMs
      const status: number | undefined = e.httpStatus
      const unknown: boolean = e.outcomeUnknown
      const message: string = e.message
      void [info, code, kind, retry, status, unknown, message, e.msg, e.detail, e.endpoint, e.carrierCode, e.field, e.result]
    }
  }

  void [balance, signature, next, nextDetails, packageOrder, mno, activated, usage, history, withDays, arrears, daily, pools, badOptions, order,
    done, taskids, reports, replies, s, plain, billed, ack, version]
}

void everything
