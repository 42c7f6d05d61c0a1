'use strict'
// `cardboss/express`: CardBOSS push receivers as Express middleware (Express 4 or 5, or any
// server calling `(req, res, next)` with Node's IncomingMessage and ServerResponse). The
// package does not depend on Express.
//
//   const { pushHandler, smsHandler } = require('cardboss/express')
//   app.post('/cardboss/push', pushHandler({ guard, apikey, handler: record, after: process }))
//   app.post('/cardboss/sms', smsHandler({ handler: recordSms }))
//
// A data push is verified over its raw bytes: the middleware reads the body from the request
// itself, or takes a Buffer / string `req.body` (express.raw(), express.text()); a body that
// express.json() already parsed is refused with an error saying how to mount the route. The
// steps are `guard.receive` (lib.js): the guard's refusal → the core's reply (a replay is
// acknowledged without running the handler), `handler(push, req)`, then the commit; a handler
// that throws releases the id and its error goes to `next(err)` unchanged (Express answers 500,
// the platform retries). The reply (status, text/plain body) is the core's PushReply. `after(push,
// req)` runs once that answer was sent (res 'finish'), for the slow work: the platform wants
// `success` within 5 seconds. Its errors go to `onError(err, push)` (default console.error) and
// are not retried.
const { receiveSmsPush } = require('./lib.js')
const { rawBody, dataOptions, smsOptions, afterOnce, refused, writeReply } = require('./push-http.js')

/** Runs `job` once the response was sent (or its connection closed: the push is committed, so
 * the platform's retry would be a replay and `after` would never run otherwise). */
function whenSent(res, job) {
  res.once('finish', job)
  res.once('close', job)
}

/** Middleware receiving data pushes (OD1002 renewal results, OD1010 usage warnings). */
function pushHandler(options) {
  const { guard, apikey, handler, after, onError, onRefused, pushOptions } = dataOptions(options, 'cardboss/express pushHandler')
  return function cardbossPushHandler(req, res, next) {
    let push
    rawBody(req, 'cardboss/express pushHandler')
      .then((body) => guard.receive(body, apikey, (p) => { push = p; return handler(p, req) }, pushOptions))
      .then((reply) => {
        // Handled now (no reason): the only answer after which `after` runs.
        if (after && push !== undefined && reply.reason == null) whenSent(res, afterOnce(after, push, req, onError))
        writeReply(res, reply)
        refused(reply, req, onRefused)
      })
      .catch(next)
  }
}

/** Middleware receiving SMS pushes (P0001 delivery reports, P0002 replies; not signed). */
function smsHandler(options) {
  const { handler, after, onError, onRefused } = smsOptions(options, 'cardboss/express smsHandler')
  return function cardbossSmsHandler(req, res, next) {
    let sms
    rawBody(req, 'cardboss/express smsHandler')
      .then((body) => receiveSmsPush(body, (s) => { sms = s; return handler(s, req) }))
      .then((reply) => {
        if (after && sms !== undefined) whenSent(res, afterOnce(after, sms, req, onError))
        writeReply(res, reply)
        refused(reply, req, onRefused)
      })
      .catch(next)
  }
}

exports.pushHandler = pushHandler
exports.smsHandler = smsHandler
