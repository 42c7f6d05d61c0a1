// An Express receiver for CardBOSS pushes.
//
// Data pushes (section 4.2: OD1002 renewal results, OD1010 usage warnings) are signed over the
// fields exactly as sent, so verify the *raw* body: `express.raw()` keeps it as a Buffer (a JSON
// parser would re-serialise `data` and break the signature). `PushGuard` also refuses replays.
// SMS pushes (3.5.6: P0001 reports, P0002 replies) are not signed. Answer `PUSH_ACK`
// ("success") within 5 seconds, or the platform sends the push again.
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
const guard = new PushGuard() // remembers recent push ids for 24 h

const app = express()
const raw = express.raw({ type: () => true, limit: '8mb' })

app.post('/cardboss/push', raw, (req, res) => {
  let push
  try {
    push = guard.verify(req.body, apikey, { expectedSid: sid, maxAgeMs: 600_000 })
  } catch (err) {
    if (isCardbossError(err) && err.code === 'PUSH_REJECTED') {
      console.warn('refused push:', err.message) // forged, for another account, stale or a replay
      res.status(403).send(err.code)
      return
    }
    throw err
  }
  res.send(PUSH_ACK) // answer first, then handle
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
app.listen(port, () => console.log(`receiving CardBOSS pushes on http://127.0.0.1:${port}/cardboss/push and /cardboss/sms`))
