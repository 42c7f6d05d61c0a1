'use strict'
// What cardboss/express and cardboss/fastify share (not a public entry point): the options,
// the raw body, writing the core's PushReply, and `after` once the answer was sent. The steps
// of a push (begin, the handler, finish) are lib.js's `guard.receive` / `receiveSmsPush`, and
// every status comes from the core's PushReply: nothing here decides one.
const { PushGuard, MAX_PUSH_BODY } = require('./lib.js')

const EXPRESS_HINT =
  'a data push is verified over its raw bytes, so its route must see the body unparsed: mount the ' +
  'push route before app.use(express.json()) (or any body parser), or give it express.raw({ type: () => true })'

/** The error a helper reports when a body parser already turned the body into an object. */
function parsedBodyError(helper, hint = EXPRESS_HINT) {
  return new TypeError(`${helper}: the request body was already parsed into an object (express.json(), express.urlencoded() or another body parser ran first); ${hint}`)
}

/** The raw body: `req.body` when it is a Buffer or a string (express.raw / express.text),
 * otherwise read from the request stream (at most MAX_PUSH_BODY + 1 bytes are kept, so the core
 * refuses a larger body rather than this process holding it). A body some parser already
 * consumed is an error naming the fix. */
function rawBody(req, helper) {
  const body = req.body
  if (Buffer.isBuffer(body) || typeof body === 'string') return Promise.resolve(body)
  if (body instanceof Uint8Array) return Promise.resolve(Buffer.from(body.buffer, body.byteOffset, body.byteLength))
  // body-parser marks what it read with `_body`; Express 4 leaves `{}` on a request it did not read.
  const consumed = req._body === true || req.readableEnded === true || req.readableDidRead === true
  if (body != null && (consumed || typeof body !== 'object' || Object.keys(body).length > 0)) {
    return Promise.reject(parsedBodyError(helper))
  }
  if (consumed) return Promise.reject(new TypeError(`${helper}: the request body was already read by an earlier middleware; ${EXPRESS_HINT}`))
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    let ended = false
    req.on('data', (chunk) => {
      if (size <= MAX_PUSH_BODY) chunks.push(chunk)
      size += chunk.length
    })
    req.once('end', () => {
      ended = true
      const raw = Buffer.concat(chunks)
      req.body = raw // for the handler, as express.raw() would leave it
      resolve(raw)
    })
    req.once('error', reject)
    req.once('close', () => { if (!ended) reject(new Error(`${helper}: the request was aborted before its body arrived`)) })
  })
}

function defaultOnRefused(reply) {
  // The reason is the core's message: it never holds the apikey or a sign.
  console.warn(`cardboss: push answered ${reply.status}: ${reply.reason}`)
}

function defaultOnError(err, push) {
  console.error(`cardboss: after() failed for push ${describe(push)} (it was acknowledged and is not retried):`, err)
}

function describe(push) {
  if (push && typeof push.id === 'string') return `${push.sn} ${push.id}`
  if (push && typeof push.kind === 'string') return `SMS ${push.kind}`
  return '(unknown)'
}

function fn(value, name, helper, required) {
  if (value === undefined && !required) return undefined
  if (typeof value !== 'function') throw new TypeError(`${helper}: \`${name}\` must be a function`)
  return value
}

/** The options of a data push helper, checked once when the route is set up. */
function dataOptions(options, helper) {
  if (options == null || typeof options !== 'object') throw new TypeError(`${helper}: options { apikey, handler, ... } are required`)
  // Required, as in Python and Kotlin: a guard made here would be one per route and per
  // process, so a replay reaching another worker (or a second route) would be handled twice.
  const guard = options.guard
  if (!(guard instanceof PushGuard)) throw new TypeError(`${helper}: \`guard\` must be a PushGuard (one per receiver; new PushGuard({ store: 'redis://…' }) when several workers share it)`)
  // Never quoted: the value may be the apikey.
  if (typeof options.apikey !== 'string' || options.apikey === '') throw new TypeError(`${helper}: \`apikey\` must be a non-empty string (the account's apikey)`)
  return {
    guard,
    apikey: options.apikey,
    handler: fn(options.handler, 'handler', helper, true),
    after: fn(options.after, 'after', helper, false),
    onError: fn(options.onError, 'onError', helper, false) ?? defaultOnError,
    onRefused: fn(options.onRefused, 'onRefused', helper, false) ?? defaultOnRefused,
    pushOptions: { expectedSid: options.expectedSid, maxAgeMs: options.maxAgeMs, utcOffsetMinutes: options.utcOffsetMinutes },
  }
}

/** The options of an SMS push helper. */
function smsOptions(options, helper) {
  if (options == null || typeof options !== 'object') throw new TypeError(`${helper}: options { handler, ... } are required`)
  return {
    handler: fn(options.handler, 'handler', helper, true),
    after: fn(options.after, 'after', helper, false),
    onError: fn(options.onError, 'onError', helper, false) ?? defaultOnError,
    onRefused: fn(options.onRefused, 'onRefused', helper, false) ?? defaultOnRefused,
  }
}

/** Runs `after(push, req)` once; its failure goes to `onError` (never retried, never thrown). */
function afterOnce(after, push, req, onError) {
  let ran = false
  return () => {
    if (ran) return
    ran = true
    Promise.resolve()
      .then(() => after(push, req))
      .catch((err) => {
        try {
          onError(err, push)
        } catch (failed) {
          console.error('cardboss: onError failed:', failed)
        }
      })
  }
}

/** Calls `onRefused(reply, req)` for an answer that was not "handled now" (it has a reason). */
function refused(reply, req, onRefused) {
  if (reply.reason == null) return
  try {
    onRefused(reply, req)
  } catch (err) {
    console.error('cardboss: onRefused failed:', err)
  }
}

/** Writes the core's reply on a Node ServerResponse (Express's `res` is one). */
function writeReply(res, reply) {
  if (res.headersSent) return
  res.statusCode = reply.status
  res.setHeader('content-type', 'text/plain; charset=utf-8')
  res.end(reply.body)
}

module.exports = { rawBody, parsedBodyError, dataOptions, smsOptions, afterOnce, refused, writeReply }
