'use strict'
// The process bulk-crash.test.js kills: it receives `{ client, op, cards, options }` from its
// parent, runs `client.bulkRun(op, cards, options)` against the parent's sandbox, and tells the
// parent after each outcome (the core journals an outcome before handing it over, so the
// journal holds at least that many outcomes). The parent SIGKILLs it mid-run.
const { Client } = require('../lib.js')

process.once('message', async ({ client, op, cards, options }) => {
  const run = new Client(client).bulkRun(op, cards, options)
  let settled = 0
  for await (const outcome of run) {
    settled += 1
    process.send({ settled, status: outcome.status })
  }
  process.send({ finished: await run.report() }, () => process.disconnect())
})
