'use strict'
// One worker process of push-redis.test.js: a push receiver on a free loopback port with its
// own PushGuard on the shared Redis, and a Client whose cooldowns live in that Redis too.
// It answers as a real receiver would (success only after commit; replay -> success; in flight
// or store unreachable -> 503; rejected -> 400; handler failure -> 500) and tells the parent
// (IPC) each push its handler accepted. `?fail=1` makes the handler throw once.
const http = require('node:http')
const cardboss = require('..')

const config = JSON.parse(process.argv[2])
const guard = new cardboss.PushGuard({ store: config.store })
const client = new cardboss.Client({ ...config.client, cooldownStore: config.store })

const server = http.createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', async () => {
    const fail = req.url.includes('fail=1')
    try {
      await guard.handle(Buffer.concat(chunks), config.client.apikey, async (push) => {
        if (fail) throw new Error('the hand-off failed')
        process.send({ accepted: push.id })
      }, { expectedSid: config.client.sid })
      res.end(cardboss.PUSH_ACK)
    } catch (err) {
      const code = err.code ?? 'HANDLER'
      res.statusCode = code === 'PUSH_REPLAY' ? 200 : code === 'PUSH_REJECTED' ? 400 : code === 'HANDLER' ? 500 : 503
      res.end(code === 'PUSH_REPLAY' ? cardboss.PUSH_ACK : code)
    }
  })
})

// Lifecycle calls from the parent: { seq, op: 'suspend' | 'resume', msisdn }.
process.on('message', async ({ seq, op, msisdn }) => {
  try {
    await client[op]({ msisdn })
    process.send({ seq, ok: true })
  } catch (err) {
    process.send({ seq, ok: false, code: err.code })
  }
})
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }))
