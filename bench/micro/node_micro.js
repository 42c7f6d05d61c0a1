'use strict'
// Per-call overhead from Node: cardboss sign() vs crypto.createHash('md5'), encryptSms() vs
// crypto.createCipheriv('aes-128-cbc') with zero padding. Both sides are checked to agree first.
// Prints one JSON line: {name: nanoseconds per call (median of REPEAT timings)}.
const crypto = require('node:crypto')
const path = require('node:path')
const assert = require('node:assert')
const { sign, encryptSms, decryptSms } = require(process.env.CARDBOSS_NODE_PKG || path.join(__dirname, '..', '..', 'bindings-node'))

const REPEAT = Number(process.argv[2] || 5)
const SID = '10043'; const APIKEY = 'cardbosssandboxkey0123456789abcd'; const TS = '20250101120000'
const SHORT = [SID, APIKEY, TS, '7']
const BATCH = [SID, APIKEY, TS, Array.from({ length: 100 }, (_, i) => String(1064870000000 + i)).join(','), '']
const MOBILES = ['1064870303173']; const CONTENT = 'reboot now'

const nodeSign = (parts) => crypto.createHash('md5').update(parts.join('')).digest('hex')
function nodeEncrypt (apikey, mobiles, content) {
  const plain = Buffer.from(mobiles.join(',') + '##' + content, 'utf8')
  const padded = Buffer.alloc(Math.ceil(plain.length / 16) * 16)
  plain.copy(padded)
  const c = crypto.createCipheriv('aes-128-cbc', Buffer.from(apikey.slice(0, 16)), Buffer.from(apikey.slice(16)))
  c.setAutoPadding(false)
  return Buffer.concat([c.update(padded), c.final()]).toString('base64')
}

assert.strictEqual(sign(SHORT), nodeSign(SHORT))
assert.strictEqual(sign(BATCH), nodeSign(BATCH))
assert.strictEqual(encryptSms(APIKEY, MOBILES, CONTENT), nodeEncrypt(APIKEY, MOBILES, CONTENT))
assert.strictEqual(decryptSms(APIKEY, nodeEncrypt(APIKEY, MOBILES, CONTENT)).content, CONTENT)

const CASES = {
  'sign (4 parts) / cardboss sign': () => sign(SHORT),
  'sign (4 parts) / crypto.createHash': () => nodeSign(SHORT),
  'sign (100 msisdns) / cardboss sign': () => sign(BATCH),
  'sign (100 msisdns) / crypto.createHash': () => nodeSign(BATCH),
  'encryptSms / cardboss encryptSms': () => encryptSms(APIKEY, MOBILES, CONTENT),
  'encryptSms / crypto.createCipheriv': () => nodeEncrypt(APIKEY, MOBILES, CONTENT)
}

function timeOnce (fn, n) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  return Number(process.hrtime.bigint() - t0) / n
}
const out = {}
for (const [name, fn] of Object.entries(CASES)) {
  let n = 1000
  while (timeOnce(fn, n) * n < 2e8) n *= 2 // ~0.2 s per timing, as timeit.autorange
  timeOnce(fn, n) // warm-up
  const times = Array.from({ length: REPEAT }, () => timeOnce(fn, n)).sort((a, b) => a - b)
  out[name] = times[Math.floor(times.length / 2)]
}
console.log(JSON.stringify(out))
