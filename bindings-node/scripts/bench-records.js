#!/usr/bin/env node
// How records cross into JS: CPU time of this process and the longest event-loop stall while
// `cardDetails()` fetches N card details (default 10,000) from the sandbox binary (a separate
// process, so its CPU is not counted). Prints one line of figures; compare builds side by side.
// Usage: node scripts/bench-records.js [N] [rounds]
'use strict'
const { monitorEventLoopDelay } = require('node:perf_hooks')
const cardboss = require('../lib.js')
const { startSandbox } = require('../__test__/sandbox.js')

async function main() {
  const n = Number(process.argv[2] ?? 10_000)
  const rounds = Number(process.argv[3] ?? 5)
  const sb = await startSandbox({ cards: n })
  try {
    const client = new cardboss.Client(sb.options())
    const msisdns = []
    for await (const card of client.cards()) msisdns.push(card.msisdn)
    await client.cardDetails({ msisdns }) // warm-up
    const cpu = []
    const stall = []
    for (let r = 0; r < rounds; r++) {
      const loop = monitorEventLoopDelay({ resolution: 1 })
      loop.enable()
      const before = process.cpuUsage()
      const details = await client.cardDetails({ msisdns })
      const used = process.cpuUsage(before)
      loop.disable()
      if (details.length !== n) throw new Error(`${details.length} details`)
      cpu.push((used.user + used.system) / 1000)
      stall.push(loop.max / 1e6)
    }
    const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    console.log(`${n} card details x ${rounds}: node CPU median ${median(cpu).toFixed(1)} ms, ` +
      `longest event-loop stall median ${median(stall).toFixed(1)} ms`)
  } finally {
    await sb.stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
