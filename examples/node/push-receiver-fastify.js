// A Fastify receiver for CardBOSS pushes, with cardboss/fastify.
//
// The plugin adds, in its own encapsulated context, a content-type parser that keeps the raw
// body (data pushes are signed over the fields exactly as sent) and the two routes; the rest of
// the app keeps Fastify's JSON parser. Each push id is handled once (see push-receiver.js for
// the flow: `handler` records the event before the answer, `after` does the slow work once
// `success` was sent; every answer is the core's PushReply).
//
//   CARDBOSS_SID=10043 CARDBOSS_APIKEY=... PORT=3000 node push-receiver-fastify.js
'use strict'
const Fastify = require('fastify')
const { PushGuard } = require('cardboss')
const { cardbossPush } = require('cardboss/fastify')

const apikey = process.env.CARDBOSS_APIKEY ?? ''
const sid = process.env.CARDBOSS_SID ?? '10043'
const guard = new PushGuard({ store: process.env.CARDBOSS_PUSH_STORE }) // in memory unless given

const app = Fastify()

app.register(cardbossPush, {
  path: '/cardboss/push',
  smsPath: '/cardboss/sms',
  guard,
  apikey,
  expectedSid: sid,
  maxAgeMs: 600_000,
  // Before the answer: record the event (here a log line; in production, a durable queue).
  handler: (push) => console.log(`received ${push.sn} ${push.id}`),
  // After the answer: the slow work.
  after: async (push) => {
    if (push.content.kind === 'renewal_result') {
      const r = push.content.result
      console.log(`order ${r.orderid} for ${r.msisdn}: ${r.status === 1 ? 'done' : `failed (${r.msg})`}`)
    } else if (push.content.kind === 'usage_warnings') {
      for (const w of push.content.warnings) console.log(`warning for ${w.msisdn}: ${w.planname} ${w.usage}/${w.total}`)
    } else {
      console.log(`push ${push.sn}:`, push.data)
    }
  },
  smsHandler: (sms) => console.log(`received SMS ${sms.kind}`),
  smsAfter: (sms) => {
    if (sms.kind === 'reports') {
      for (const r of sms.reports) console.log(`SMS ${r.taskid} to ${r.mobile}: ${r.state}`)
    } else {
      for (const m of sms.replies) console.log(`reply from ${m.mobile}: ${m.content}`)
    }
  },
})

// The rest of the app: Fastify's JSON parser applies here as usual.
app.get('/health', async () => ({ ok: true }))

app.listen({ port: Number(process.env.PORT ?? 3000), host: '127.0.0.1' }).then((at) => {
  console.log(`receiving CardBOSS pushes on ${at}/cardboss/push and /cardboss/sms`)
}, (err) => {
  console.error(err)
  process.exitCode = 1
})
