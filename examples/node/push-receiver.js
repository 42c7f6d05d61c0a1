// An Express receiver for CardBOSS pushes, with cardboss/express.
//
// Data pushes (section 4.2: OD1002 renewal results, OD1010 usage warnings) are signed over the
// fields exactly as sent: `pushHandler` reads the raw body itself, so mount its route before
// any `app.use(express.json())` (a body already parsed into an object is refused with an error
// saying so). `PushGuard` handles each push id once: `handler` runs, then the id is committed
// and `success` answered; a handler that throws releases the id (Express answers 500) and the
// platform's retry is handled again, so no event is lost; a replay is acknowledged without
// running the handler. Every answer (forged 400, in flight 409, store unavailable 503) is the
// core's. The platform wants `success` within 5 seconds: `handler` only records the event,
// `after` does the slow work once the answer was sent (its errors are logged, not retried).
// With several processes, share the guard: CARDBOSS_PUSH_STORE=redis://127.0.0.1:6379/0.
// SMS pushes (3.5.6: P0001 reports, P0002 replies) are not signed.
//
//   CARDBOSS_SID=10043 CARDBOSS_APIKEY=... PORT=3000 node push-receiver.js
//   then point the platform (or the sandbox: POST /_sandbox/config
//   {"push_url": "http://127.0.0.1:3000/cardboss/push", "sms_push_url": "http://127.0.0.1:3000/cardboss/sms"})
//   at it.
'use strict'
const express = require('express')
const { PushGuard } = require('cardboss')
const { pushHandler, smsHandler } = require('cardboss/express')

const apikey = process.env.CARDBOSS_APIKEY ?? ''
const sid = process.env.CARDBOSS_SID ?? '10043'
const guard = new PushGuard({ store: process.env.CARDBOSS_PUSH_STORE }) // in memory unless given

/** Before the answer: record the event (here a log line; in production, a durable queue). @param {import('cardboss').Push} push */
function record(push) {
  console.log(`received ${push.sn} ${push.id}`)
}

/** After the answer: the slow work. @param {import('cardboss').Push} push */
async function work(push) {
  switch (push.content.kind) {
    case 'renewal_result': {
      const r = push.content.result
      console.log(`order ${r.orderid} for ${r.msisdn}: ${r.status === 1 ? 'done' : `failed (${r.msg})`}`)
      break
    }
    case 'usage_warnings':
      for (const w of push.content.warnings) console.log(`warning for ${w.msisdn}: ${w.planname} ${w.usage}/${w.total}`)
      break
    default:
      console.log(`push ${push.sn}:`, push.data)
  }
}

const app = express()

app.post('/cardboss/push', pushHandler({ guard, apikey, expectedSid: sid, maxAgeMs: 600_000, handler: record, after: work }))

app.post('/cardboss/sms', smsHandler({
  handler: (sms) => console.log(`received SMS ${sms.kind}`),
  after: (sms) => {
    if (sms.kind === 'reports') {
      for (const r of sms.reports) console.log(`SMS ${r.taskid} to ${r.mobile}: ${r.state}`)
    } else {
      for (const m of sms.replies) console.log(`reply from ${m.mobile}: ${m.content}`)
    }
  },
}))

app.use(express.json()) // the rest of your app parses JSON as usual

const port = Number(process.env.PORT ?? 3000)
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address()
  const at = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`
  console.log(`receiving CardBOSS pushes on ${at}/cardboss/push and /cardboss/sms`)
})
