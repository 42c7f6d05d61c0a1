// An Express receiver for CardBOSS pushes.
//
// Data pushes (section 4.2: OD1002 renewal results, OD1010 usage warnings) are signed over the
// fields exactly as sent, so verify the *raw* body: `express.raw()` keeps it as a Buffer (a JSON
// parser would re-serialise `data` and break the signature). `PushGuard` verifies the push and
// handles each id once, in two phases: `guard.handle` claims the id, runs your handler and
// commits the id only when the handler returned; a handler that throws releases it, so the
// platform's retry is accepted and no event is lost. Answer `PUSH_ACK` ("success") only then,
// within 5 seconds, or the platform sends the push again. With several processes, share the
// guard: CARDBOSS_PUSH_STORE=redis://127.0.0.1:6379/0. SMS pushes (3.5.6: P0001 reports, P0002
// replies) are not signed.
//
//   CARDBOSS_SID=10043 CARDBOSS_APIKEY=... PORT=3000 node push-receiver.js
//   then point the platform (or the sandbox: POST /_sandbox/config
//   {"push_url": "http://127.0.0.1:3000/cardboss/push", "sms_push_url": "http://127.0.0.1:3000/cardboss/sms"})
//   at it.
'use strict'
const express = require('express')
const { PushGuard, PUSH_ACK, parseSmsPush, isCardbossError } = require('cardboss')

const apikey = process.env.CARDBOSS_APIKEY ?? ''
const sid = process.env.CARDBOSS_SID ?? '10043'
const guard = new PushGuard({ store: process.env.CARDBOSS_PUSH_STORE }) // in memory unless given

const app = express()
const raw = express.raw({ type: () => true, limit: '8mb' })

/** @param {import('cardboss').Push} push */
async function handlePush(push) {
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

app.post('/cardboss/push', raw, async (req, res) => {
  try {
    await guard.handle(req.body, apikey, handlePush, { expectedSid: sid, maxAgeMs: 600_000 })
    res.send(PUSH_ACK) // handled and committed
  } catch (err) {
    if (!isCardbossError(err)) {
      console.error('handler failed (the platform will retry):', err)
      res.status(500).send('handler failed')
    } else if (err.code === 'PUSH_REPLAY') {
      res.send(PUSH_ACK) // handled already: the platform just missed our answer
    } else if (err.code === 'PUSH_REJECTED') {
      console.warn('refused push:', err.message) // forged, for another account or stale
      res.status(403).send(err.code)
    } else {
      // PUSH_IN_FLIGHT (another worker has it), STORE_UNAVAILABLE: the platform retries later.
      res.status(503).send(err.code)
    }
  }
})

app.post('/cardboss/sms', raw, (req, res) => {
  let push
  try {
    push = parseSmsPush(req.body)
  } catch (err) {
    res.status(400).send(isCardbossError(err) ? err.code : 'bad request')
    return
  }
  res.send(PUSH_ACK)
  if (push.kind === 'reports') {
    for (const r of push.reports) console.log(`SMS ${r.taskid} to ${r.mobile}: ${r.state}`)
  } else {
    for (const m of push.replies) console.log(`reply from ${m.mobile}: ${m.content}`)
  }
})

const port = Number(process.env.PORT ?? 3000)
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address()
  const at = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`
  console.log(`receiving CardBOSS pushes on ${at}/cardboss/push and /cardboss/sms`)
})
