'use strict'
// Starts the sandbox binary on free ports, in strict mode (a request lacking a key of an id pair
// is refused: the SDK never sends one), and reads its ready line (docs/CONVENTIONS.md).
const { spawn } = require('node:child_process')
const { existsSync } = require('node:fs')
const path = require('node:path')
const readline = require('node:readline')

const root = path.join(__dirname, '..', '..')
const BIN = process.env.CARDBOSS_SANDBOX_BIN || path.join(root, 'target', 'debug', 'cardboss-sandbox')

/**
 * @param {{ style?: 'example' | 'table', cards?: number, args?: string[] }} [options]
 * @returns {Promise<{ ready: { base_url: string, ops_url: string, sid: string, apikey: string },
 *   options: (extra?: object) => object, admin: (method: string, route: string, body?: object) => Promise<any>,
 *   stop: () => Promise<void> }>}
 */
async function startSandbox({ style = 'example', cards = 300, args = [] } = {}) {
  if (!existsSync(BIN)) {
    throw new Error(`sandbox binary not found at ${BIN}: run \`cargo build -p cardboss-sandbox\` or set CARDBOSS_SANDBOX_BIN`)
  }
  const child = spawn(BIN, ['--strict', '--port1', '0', '--port2', '0', '--cards', String(cards), '--style', style, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG || 'warn' },
  })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000) })
  const ready = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout })
    const timer = setTimeout(() => reject(new Error(`sandbox gave no ready line in 30 s: ${stderr}`)), 30_000)
    lines.once('line', (line) => {
      clearTimeout(timer)
      try {
        const parsed = JSON.parse(line)
        if (parsed.event !== 'ready') throw new Error(`unexpected first line ${line}`)
        resolve(parsed)
      } catch (e) {
        reject(e)
      }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox exited (${code}): ${stderr}`)) })
  })
  child.stdout.resume()
  const exited = new Promise((resolve) => child.once('exit', resolve))
  return {
    ready,
    /** Client options for this sandbox. */
    options: (extra = {}) => ({ sid: ready.sid, apikey: ready.apikey, baseUrl: ready.base_url, opsUrl: ready.ops_url, ...extra }),
    /** Calls the admin API under /_sandbox/. */
    async admin(method, route, body) {
      const res = await fetch(`${ready.base_url}/_sandbox/${route}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      const text = await res.text()
      if (!res.ok) throw new Error(`admin ${method} ${route}: HTTP ${res.status} ${text}`)
      return text ? JSON.parse(text) : null
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}

/** Requests the sandbox has received so far (all endpoints). */
async function requestCount(sb) {
  return (await sb.admin('GET', 'stats')).total
}

/** `yyyyMMddHHmmss` now on the platform's clock. */
function platformNow(cardboss) {
  return cardboss.timestamp()
}

module.exports = { startSandbox, requestCount, platformNow, BIN }
