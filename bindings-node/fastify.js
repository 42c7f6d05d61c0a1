'use strict'
// `cardboss/fastify`: a Fastify plugin receiving CardBOSS pushes. The package does not depend
// on Fastify.
//
//   const { cardbossPush } = require('cardboss/fastify')
//   app.register(cardbossPush, { path: '/cardboss/push', smsPath: '/cardboss/sms', guard, apikey,
//     handler: record, after: process, smsHandler: recordSms })
//
// Registered as is (not through fastify-plugin) the plugin is its own encapsulated context: the
// content-type parser it adds there gives the raw Buffer for any type, so a data push is
// verified over the bytes as sent, while the rest of the app keeps Fastify's JSON parser. The
// steps are `guard.receive` (lib.js): the guard's refusal → the core's reply (a replay is
// acknowledged without running the handler), `handler(push, request)` (`request.body` is the
// raw Buffer), then the commit; a handler that throws releases the id and its error goes to
// Fastify unchanged (500, the platform retries). The reply (status, text/plain body) is the
// core's PushReply. `after(push, request)` runs once that answer was sent (onResponse), for the
// slow work: the platform wants `success` within 5 seconds. Its errors go to `onError(err, push)`
// (default console.error) and are not retried. SMS pushes: `smsHandler(sms, request)` and
// `smsAfter(sms, request)` on `smsPath` (default /cardboss/sms).
const { receiveSmsPush, MAX_PUSH_BODY } = require('./lib.js')
const { parsedBodyError, dataOptions, smsOptions, afterOnce, refused } = require('./push-http.js')

const HELPER = 'cardboss/fastify'
const HINT =
  'a data push is verified over its raw bytes: register the plugin with app.register(cardbossPush, ...) as is ' +
  '(not wrapped in fastify-plugin), so that its own content-type parser, which keeps the raw Buffer, applies to its routes'

/** The raw body this context's parser gave (a Buffer), or an error naming the fix. */
function bodyOf(request) {
  const body = request.body
  if (body == null) return Buffer.alloc(0)
  if (Buffer.isBuffer(body) || typeof body === 'string') return body
  throw parsedBodyError(HELPER, HINT)
}

/** Writes the core's reply. */
function send(reply, answer) {
  return reply.code(answer.status).type('text/plain; charset=utf-8').send(answer.body)
}

/**
 * The plugin: `app.register(cardbossPush, { path, smsPath, guard, apikey, handler, after,
 * smsHandler, smsAfter, expectedSid, maxAgeMs, utcOffsetMinutes, onError, onRefused })`.
 */
async function cardbossPush(fastify, options) {
  if (options == null || typeof options !== 'object') throw new TypeError(`${HELPER}: options { apikey, handler, ... } are required`)
  if (options.handler === undefined && options.smsHandler === undefined) {
    throw new TypeError(`${HELPER}: give \`handler\` (data pushes on \`path\`) and/or \`smsHandler\` (SMS pushes on \`smsPath\`)`)
  }
  const data = options.handler === undefined ? undefined : dataOptions(options, `${HELPER} (data pushes)`)
  const sms = options.smsHandler === undefined
    ? undefined
    : smsOptions({ handler: options.smsHandler, after: options.smsAfter, onError: options.onError, onRefused: options.onRefused }, `${HELPER} (SMS pushes)`)

  // This context only: every content type arrives as the raw Buffer.
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_PUSH_BODY }, (_request, body, done) => done(null, body))

  /** The `after` job of a request answered "handled now", run once the answer was sent. */
  const pending = new WeakMap()
  const routeOptions = {
    bodyLimit: MAX_PUSH_BODY,
    onResponse: async (request) => {
      const job = pending.get(request)
      if (job) job()
    },
  }
  /** `job` once the answer was sent: onResponse, or the connection closing (the push is
   * committed: the platform's retry would be a replay, so `after` would never run otherwise). */
  const later = (request, reply, job) => {
    pending.set(request, job)
    reply.raw.once('close', job)
  }

  if (data) {
    const { guard, apikey, handler, after, onError, onRefused, pushOptions } = data
    fastify.post(options.path ?? '/cardboss/push', routeOptions, async (request, reply) => {
      const body = bodyOf(request)
      let push
      const answer = await guard.receive(body, apikey, (p) => { push = p; return handler(p, request) }, pushOptions)
      // Handled now (no reason): the only answer after which `after` runs.
      if (after && push !== undefined && answer.reason == null) later(request, reply, afterOnce(after, push, request, onError))
      const sent = send(reply, answer)
      refused(answer, request, onRefused)
      return sent
    })
  }
  if (sms) {
    const { handler, after, onError, onRefused } = sms
    fastify.post(options.smsPath ?? '/cardboss/sms', routeOptions, async (request, reply) => {
      const body = bodyOf(request)
      let parsed
      const answer = await receiveSmsPush(body, (s) => { parsed = s; return handler(s, request) })
      if (after && parsed !== undefined) later(request, reply, afterOnce(after, parsed, request, onError))
      const sent = send(reply, answer)
      refused(answer, request, onRefused)
      return sent
    })
  }
}
Object.defineProperty(cardbossPush, Symbol.for('fastify.display-name'), { value: 'cardboss-push' })

module.exports = cardbossPush
module.exports.cardbossPush = cardbossPush
module.exports.default = cardbossPush
