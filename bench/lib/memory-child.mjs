// Heap cost of wxauth's memory store at scale, run as: node --expose-gc memory-child.mjs MODE COUNT
// MODE: transactions | sessions | express-session. Prints one JSON line.
// Records are written by createWxAuth itself (its real login and callback routes, WeChat answered
// by an in-process fake fetch with realistic, unique ids and tokens), not imitated.
import { webcrypto } from 'node:crypto'
import { createRequire } from 'node:module'
import { createWxAuth, memoryStore } from 'wxauth'

const [mode, countArg] = process.argv.slice(2)
const N = Number(countArg ?? 100_000)
const BATCH = 500
const appId = 'wx5f1c3a9e2b7d4f60'
const UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2c) NetType/WIFI Language/zh_CN'
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

function random(length, alphabet = BASE62) {
  const bytes = webcrypto.getRandomValues(new Uint8Array(length))
  let out = ''
  for (const b of bytes) out += alphabet[b % alphabet.length]
  return out
}

function heap() {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

/** WeChat's answers: unique openid / unionid / tokens per code, the shapes WeChat sends. */
const fakeFetch = async (input) => {
  const url = new URL(input)
  let body
  if (url.pathname.endsWith('/sns/oauth2/access_token')) {
    const code = url.searchParams.get('code')
    const id = code.slice(0, 22)
    body = {
      access_token: `86_${random(86, `${BASE62}-_`)}`,
      expires_in: 7200,
      refresh_token: `86_${random(86, `${BASE62}-_`)}`,
      openid: `oLVPp${id}`,
      scope: 'snsapi_userinfo',
      unionid: `o6_bm${id}`,
    }
  } else if (url.pathname.endsWith('/sns/userinfo')) {
    const openid = url.searchParams.get('openid')
    body = {
      openid,
      nickname: '张三',
      sex: 0,
      language: '',
      city: '',
      province: '',
      country: '',
      headimgurl: `https://thirdwx.qlogo.cn/mmopen/vi_32/${random(80)}/132`,
      privilege: [],
      unionid: `o6_bm${openid.slice(5)}`,
    }
  } else {
    return new Response('{"errcode":40001,"errmsg":"invalid"}', { status: 200 })
  }
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'text/plain' },
  })
}

const now = Date.now()
const clock = () => now

/** A store that passes everything on, and notes the sizes of the first `sample` writes by prefix. */
function sampling(store, sample = 200) {
  const sizes = new Map()
  let seen = 0
  const note = (key, value) => {
    if (seen++ >= sample) return
    const parts = key.split(':')
    const prefix = parts[0] === 'login' ? `login:${parts[1]}` : parts[0]
    const s = sizes.get(prefix) ?? { count: 0, chars: 0 }
    s.count++
    s.chars += key.length + (value?.length ?? 0)
    sizes.set(prefix, s)
  }
  const wrapped = {
    set: (k, v, ttl) => {
      note(k, v)
      return store.set(k, v, ttl)
    },
    admit: (k, v, ttl, limit) => {
      note(k, v)
      return store.admit(k, v, ttl, limit)
    },
    add: (k, v, ttl) => {
      note(k, v)
      return store.add(k, v, ttl)
    },
    swap: (k, expected, v, ttl) => {
      note(k, v)
      return store.swap(k, expected, v, ttl)
    },
    get: (k) => store.get(k),
    consume: (k) => store.consume(k),
    delete: (k) => store.delete(k),
    lock: (k, ttl) => {
      note(k, '')
      return store.lock(k, ttl)
    },
  }
  return { wrapped, sizes }
}

function makeAuth(store) {
  return createWxAuth({
    apps: { official: { appId, appSecret: '9a3f5c7e1b2d4f6a8c0e2b4d6f8a1c3e' } },
    baseUrl: 'https://example.com',
    secrets: ['bench-secret-0123456789abcdefghijklmnopqrstuvwxyz'],
    store,
    fetch: fakeFetch,
    now: clock,
    session: { revocable: true },
    // N pending logins at once: admitted, as an app sized for them would be.
    logins: { maxPending: 2 * N },
  })
}

async function startLogin(auth) {
  const response = await auth.handle(
    new Request('https://example.com/auth/wechat/login?returnTo=%2Faccount', {
      headers: { 'user-agent': UA },
    }),
  )
  if (response?.status !== 302) throw new Error(`login answered ${response?.status}`)
  const state = new URL(response.headers.get('location')).searchParams.get('state')
  const cookie = response.headers.getSetCookie()[0].split(';')[0]
  return { state, cookie }
}

async function fullLogin(auth) {
  const { state, cookie } = await startLogin(auth)
  const code = `${random(22)}${random(10)}`
  const response = await auth.handle(
    new Request(`https://example.com/auth/wechat/callback?code=${code}&state=${state}`, {
      headers: { 'user-agent': UA, cookie },
    }),
  )
  return response?.status === 303 && response.headers.get('location').endsWith('/account')
}

async function times(count, fn) {
  let ok = 0
  for (let i = 0; i < count; i += BATCH) {
    const n = Math.min(BATCH, count - i)
    const results = await Promise.all(Array.from({ length: n }, fn))
    ok += results.filter((r) => r !== false).length
  }
  return ok
}

const out = { mode, count: N }

if (mode === 'transactions') {
  const store = memoryStore({ maxEntries: 4 * N, maxLocks: 2 * N, now: clock })
  const { wrapped, sizes } = sampling(store)
  const auth = makeAuth(wrapped)
  await times(1_000, () => startLogin(auth))
  store.clear()
  const before = heap()
  await times(N, () => startLogin(auth))
  const after = heap()
  out.bytesPerItem = (after - before) / N
  out.entries = store.size
  out.sizes = Object.fromEntries(sizes)
} else if (mode === 'sessions') {
  // 300 real logins through createWxAuth (revocable sessions), recording every write, delete and
  // consume, give the records that stay once the login's short-lived ones (transaction, pending
  // list, replay result, code marker: 10 minutes at most) are gone: the user's sealed tokens, the
  // subject index and the session record. N logins' worth of those, each character of each key
  // and value replaced by a random one of its class (fresh strings, same lengths and structure),
  // then go into an empty memory store, whose heap growth is measured.
  out.sizes = {}
  out.transientSizes = {}
  const records = new Map()
  const recorder = {
    set: async (k, v, ttl) => void records.set(k, { v, ttl }),
    add: async (k, v, ttl) => {
      if (records.has(k)) return false
      records.set(k, { v, ttl })
      return true
    },
    swap: async (k, expected, v, ttl) => {
      if (records.get(k)?.v !== expected) return false
      records.set(k, { v, ttl })
      return true
    },
    get: async (k) => records.get(k)?.v,
    consume: async (k) => {
      const r = records.get(k)
      records.delete(k)
      return r?.v
    },
    delete: async (k) => void records.delete(k),
    lock: async () => ({ token: 't', expiresAt: now + 30_000, release: async () => true }),
  }
  const auth = makeAuth(recorder)
  const SAMPLE = 300
  out.ok = await times(SAMPLE, () => fullLogin(auth))
  const transient = new Map()
  const lasting = []
  for (const [k, { v, ttl }] of records) {
    const prefix = k.split(':')[0]
    const bucket = ttl > 11 * 60_000 ? 'lasting' : 'transient'
    const field = bucket === 'lasting' ? 'sizes' : 'transientSizes'
    out[field] ??= {}
    out[field][prefix] ??= { count: 0, chars: 0 }
    const s = out[field][prefix]
    s.count++
    s.chars += k.length + v.length
    if (bucket === 'lasting') lasting.push([Buffer.from(k), Buffer.from(v), ttl])
    else transient.set(k, v)
  }
  const store = memoryStore({ maxEntries: 4 * N, now: clock })
  const scramble = (buffer) => {
    const copy = Buffer.from(buffer)
    const noise = webcrypto.getRandomValues(new Uint8Array(Math.min(copy.length, 65_536)))
    for (let i = 0; i < copy.length; i++) {
      const c = copy[i]
      const r = noise[i % noise.length] ^ (i * 31)
      if (c >= 0x30 && c <= 0x39) copy[i] = 0x30 + (r % 10)
      else if (c >= 0x41 && c <= 0x5a) copy[i] = 0x41 + (r % 26)
      else if (c >= 0x61 && c <= 0x7a) copy[i] = 0x61 + (r % 26)
    }
    return copy.toString('utf8')
  }
  const fill = async (count) => {
    for (let i = 0; i < count; i++) {
      const login = (i % SAMPLE) * (lasting.length / SAMPLE)
      for (let j = 0; j < lasting.length / SAMPLE; j++) {
        const [k, v, ttl] = lasting[login + j]
        await store.set(scramble(k), scramble(v), ttl)
      }
    }
  }
  await fill(1_000)
  store.clear()
  const before = heap()
  await fill(N)
  const after = heap()
  out.bytesPerItem = (after - before) / N
  out.entries = store.size
  out.entriesPerItem = lasting.length / SAMPLE
} else if (mode === 'express-session') {
  // What passport-wechat keeps per logged-in user with express-session's default MemoryStore: the
  // session with passport's serialized user (the WeChat profile, as its README serializes it).
  const require = createRequire(import.meta.url)
  const session = require('express-session')
  const store = new session.MemoryStore()
  const set = (sid, sess) =>
    new Promise((resolve, reject) => store.set(sid, sess, (e) => (e ? reject(e) : resolve())))
  const record = () => {
    const id = random(22)
    return {
      cookie: {
        originalMaxAge: 604_800_000,
        expires: new Date(now + 604_800_000).toISOString(),
        httpOnly: true,
        path: '/',
      },
      passport: {
        user: {
          openid: `oLVPp${id}`,
          nickname: '张三',
          sex: 0,
          language: '',
          city: '',
          province: '',
          country: '',
          headimgurl: `https://thirdwx.qlogo.cn/mmopen/vi_32/${random(80)}/132`,
          privilege: [],
          unionid: `o6_bm${id}`,
        },
      },
    }
  }
  for (let i = 0; i < 1_000; i++) await set(random(32), record())
  await new Promise((resolve) => store.clear(resolve))
  const before = heap()
  for (let i = 0; i < N; i++) await set(random(32, `${BASE62}-_`), record())
  const after = heap()
  out.bytesPerItem = (after - before) / N
} else {
  throw new Error(`unknown mode ${mode}`)
}
out.rss = process.memoryUsage().rss
process.stdout.write(`${JSON.stringify(out)}\n`)
