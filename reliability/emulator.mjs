// The WeChat emulator in a process of its own, for the load-and-chaos run: served on 127.0.0.1 (a
// free port) by a small node:http front that hands every request to `emu.handle` and watches one
// thing the emulator's request log cannot show, because it redacts tokens and keeps only the last
// 500 requests: which user each refresh was for. Every sns/oauth2/refresh_token answer that reached
// its caller whole (HTTP 200, a token in the body, written out before the caller hung up) is counted
// per openid and per clock epoch; `GET /__reliability/refreshes` reports the counts. Two such
// refreshes of one user within one epoch would mean two processes refreshed the same expired token.
//
// Its clock follows the run's schedule (./clock.mjs). The control API (/__emulator/…) is the
// emulator's own. Tells the parent its URL and users over IPC; exits when the parent goes away.
import { createServer } from 'node:http'
import { createEmulator, defaultOfficialAccount } from 'wxauth/emulator'
import { acceptShifts, shiftedClock } from './clock.mjs'
import { ACCESS_TOKEN_TTL_S, API_CLIENTS, LOGIN_USERS } from './config.mjs'
import { listenOnLoopback } from './ports.mjs'

/** The WeChat users of the run: few, so that many logins share each one (and its refreshes). */
const USERS = Array.from({ length: LOGIN_USERS + API_CLIENTS.users }, (_, i) => ({
  id: `user${i + 1}`,
  nickname: `用户${i + 1}`,
  sex: /** @type {0 | 1 | 2} */ (i % 3),
  language: 'zh_CN',
}))
const REFRESH_PATH = '/sns/oauth2/refresh_token'
const REPORT_PATH = '/__reliability/refreshes'
const MAX_BODY = 64 * 1024

const clock = shiftedClock()
acceptShifts(clock)

/** Refresh answers delivered whole, per `openid epoch`. */
const delivered = new Map()
const refreshes = { calls: 0, delivered: 0, notDelivered: 0 }

function noteRefresh(openid, epoch) {
  refreshes.delivered++
  const key = `${openid} ${epoch}`
  delivered.set(key, (delivered.get(key) ?? 0) + 1)
}

function refreshReport() {
  const twice = []
  let max = 0
  for (const [key, count] of delivered) {
    max = Math.max(max, count)
    if (count > 1) {
      const [openid, epoch] = key.split(' ')
      twice.push({ openid, epoch: Number(epoch), count })
    }
  }
  return { ...refreshes, userEpochs: delivered.size, maxPerUserEpoch: max, twice }
}

/** The openid of a refresh answer that carries a token, else undefined. */
function refreshedOpenid(status, body) {
  if (status !== 200) return undefined
  try {
    const json = JSON.parse(body.toString('utf8'))
    return typeof json.access_token === 'string' && typeof json.openid === 'string'
      ? json.openid
      : undefined
  } catch {
    return undefined
  }
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      size += chunk.length
      if (size > MAX_BODY) req.destroy(new Error('body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(chunks.length === 0 ? undefined : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

let emu
const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', origin)
  if (url.pathname === REPORT_PATH) {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(refreshReport()))
    return
  }
  // The emulator stops work for a caller that has gone (a `timeout` fault is then not processed).
  const aborter = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) aborter.abort(new Error('the client closed the connection'))
  })
  const refresh = url.pathname === REFRESH_PATH
  if (refresh) refreshes.calls++
  let response
  try {
    const headers = new Headers()
    for (const [name, value] of Object.entries(req.headers)) {
      for (const v of [value ?? []].flat()) headers.append(name, v)
    }
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req)
    response = await emu.handle(
      new Request(url, { method: req.method, headers, body, signal: aborter.signal }),
    )
  } catch {
    if (refresh) refreshes.notDelivered++
    res.destroy()
    return
  }
  if (response.type === 'error') {
    // A `drop` fault: the request was processed, the answer is lost.
    if (refresh) refreshes.notDelivered++
    req.socket.destroy()
    return
  }
  const body = Buffer.from(await response.arrayBuffer())
  const headers = { 'content-length': String(body.length) }
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  if (refresh) {
    const openid = refreshedOpenid(response.status, body)
    const epoch = clock.epochAt(Date.now())
    let counted = false
    res.once('finish', () => {
      counted = openid !== undefined
      if (counted) noteRefresh(openid, epoch)
      else refreshes.notDelivered++
    })
    res.once('close', () => {
      if (!counted && !res.writableFinished) refreshes.notDelivered++
    })
  }
  res.writeHead(response.status, headers)
  res.end(body)
})
server.keepAliveTimeout = 5_000
const origin = `http://127.0.0.1:${await listenOnLoopback(server)}`
emu = createEmulator({
  users: USERS,
  clock: clock.now,
  publicUrl: origin,
  behaviour: { accessTokenTtl: ACCESS_TOKEN_TTL_S },
})

const { appId } = defaultOfficialAccount
process.on('disconnect', () => process.exit(0))
process.send?.({
  ready: origin,
  appId,
  users: USERS.map((u) => ({
    id: u.id,
    openid: emu.openid(appId, u.id),
    unionid: emu.unionid(appId, u.id),
  })),
})
