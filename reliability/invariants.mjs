// The invariant scan after the load-and-chaos run (security.md §9, TST-08): Redis read with SCAN
// (never KEYS), and what the browsers, the emulator and the apps saw, checked against each other.
// Each check says what it requires, whether it holds, and the numbers behind it.
//
// Redis lost every key when it was restarted, so the store is compared with the sessions the
// browsers still hold (each read through a third wxauth instance with the apps' secret), and what
// the browsers saw is compared on either side of the restart.
import { EXPECTED_FAILURES, SESSION_COOKIE, STORE_PREFIX, USERS_KEY } from './config.mjs'

const TRANSACTION_TTL = 10 * 60_000
const LOCK_TTL = 30_000
const LOCK_MARK = '\u0000lock:'
const SCAN_COUNT = '1000'
const CHUNK = 1000

/** Every key of the Redis (or those matching `pattern`), by SCAN. */
async function scanKeys(redis, pattern = '*') {
  const keys = []
  let cursor = '0'
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT)
    cursor = next
    keys.push(...batch)
  } while (cursor !== '0')
  return keys
}

/** One command per key, pipelined in chunks; resolves the replies in order. */
async function each(redis, keys, command) {
  const out = []
  for (let i = 0; i < keys.length; i += CHUNK) {
    const pipeline = redis.pipeline()
    for (const key of keys.slice(i, i + CHUNK)) pipeline[command](key)
    for (const [error, reply] of await pipeline.exec()) {
      if (error) throw error
      out.push(reply)
    }
  }
  return out
}

/** wxauth's keys by kind (`tx`, `session`, `tokens`, `lock`, …), without the namespace. */
function byKind(keys) {
  const kinds = {}
  for (const key of keys) {
    if (!key.startsWith(STORE_PREFIX)) continue
    let rest = key.slice(STORE_PREFIX.length)
    // Login attempts are under `login:` (`login:tx:…`, `login:code:…`): counted by what they are.
    if (rest.startsWith('login:')) rest = rest.slice('login:'.length)
    const kind = rest.startsWith(LOCK_MARK)
      ? 'lock'
      : rest.startsWith('\u0000admissions')
        ? 'admissions'
        : rest.slice(0, rest.indexOf(':'))
    if (!kinds[kind]) kinds[kind] = []
    kinds[kind].push(key)
  }
  return kinds
}

/**
 * I5 while logins are in flight (at the end of the run none is, so the final scan finds few
 * transactions): every `login:tx:` record then, and whether its TTL is within the transaction lifetime.
 */
export async function sampleTransactions(redis) {
  const keys = await scanKeys(redis, `${STORE_PREFIX}login:tx:*`)
  const ttls = await each(redis, keys, 'pttl')
  return {
    records: keys.length,
    outOfBounds: ttls.filter((t) => t !== -2 && !(t > 0 && t <= TRANSACTION_TTL)).length,
  }
}

function check(id, name, holds, detail) {
  return { id, name, holds: Boolean(holds), detail }
}

/**
 * @param {{ redis: import('ioredis').Redis, load: { logins: object[], tokens: object },
 *   restart: { downAt: number, upAt: number }, site: string, emulator: string, codeUsage: { exchanges: number,
 *   codes: number, repeats: number }, refreshes: object, apps: object[],
 *   txSamples?: { records: number, outOfBounds: number }[],
 *   opener: import('wxauth').WxAuth, keeper: import('wxauth').WxAuth }} input
 *   `opener`: a wxauth on the same store and secret whose clock stands still at 1970, so that
 *   getAccessToken only opens a record (every token looks fresh to it); `keeper`: one on the run's
 *   clock, which refreshes what has expired, as the apps would.
 */
export async function checkInvariants(input) {
  const { redis, load, restart, site, emulator, codeUsage, refreshes, apps, opener, keeper } = input
  const txSamples = input.txSamples ?? []
  const checks = []
  const keys = await scanKeys(redis)
  const kinds = byKind(keys)
  const ofKind = (kind) => kinds[kind] ?? []
  const users = await redis.hgetall(USERS_KEY)
  const subjects = Object.keys(users)

  // What the browsers saw.
  const lost = load.logins.filter((r) => r.outcome === 'lost')
  checks.push(
    check('lost', 'No login lost', lost.length === 0, `${lost.length} of ${load.logins.length}`),
  )
  const unexplained = load.logins.filter(
    (r) => r.outcome === 'failed' && !EXPECTED_FAILURES.has(r.code),
  )
  checks.push(
    check(
      'failures',
      'Every failed login ended on a code this run explains (Redis down, WeChat faults)',
      unexplained.length === 0,
      unexplained.length === 0
        ? `${load.logins.filter((r) => r.outcome === 'failed').length} failed, all with expected codes`
        : `unexpected: ${[...new Set(unexplained.map((r) => r.code))].join(', ')}`,
    ),
  )
  const tokenLosses = Object.values(load.tokens.lost).reduce((a, b) => a + b, 0)
  checks.push(
    check(
      'token-calls',
      'Every GET /app/token (getAccessToken) ended with a token or a clear error',
      tokenLosses === 0,
      `${load.tokens.calls} calls, ${load.tokens.ok} tokens, ${tokenLosses} without a clear answer`,
    ),
  )
  const crashes = apps.reduce((sum, a) => sum + a.crashes, 0)
  checks.push(
    check(
      'crashes',
      'No request crashed an app process (a 500 without a page)',
      crashes === 0 && apps.every((a) => a.alive),
      `${crashes} crashes; both processes alive at the end: ${apps.every((a) => a.alive)}`,
    ),
  )

  // Which sessions the browsers hold (told "logged in") are live now, read through a third wxauth.
  const held = load.logins.filter((r) => r.cookie !== undefined)
  const live = []
  for (let i = 0; i < held.length; i += 64) {
    await Promise.all(
      held.slice(i, i + 64).map(async (rec) => {
        const request = new Request(site, {
          headers: { cookie: `${SESSION_COOKIE}=${rec.cookie}` },
        })
        const session = await keeper.getSession(request)
        if (session) live.push({ rec, session })
      }),
    )
  }

  // I1 / DATA-01: one user per subject: in the store, in every live session, and in what the
  // browsers saw on either side of the Redis restart (logins that straddle it are left out).
  const ids = new Set(Object.values(users))
  let foreign = 0
  const perSubject = new Map()
  const note = (side, subject, id) => {
    const key = `${side} ${subject}`
    if (!perSubject.has(key)) perSubject.set(key, new Set())
    perSubject.get(key).add(id)
  }
  for (const { session } of live) {
    if (users[session.identity.subject] !== session.user?.id) foreign++
    note('live', session.identity.subject, session.user?.id)
  }
  for (const rec of load.logins) {
    if (rec.subject === undefined) continue
    if (rec.end < restart.downAt) note('before', rec.subject, rec.userId)
    else if (rec.start > restart.upAt) note('after', rec.subject, rec.userId)
  }
  const split = [...perSubject.values()].filter((set) => set.size > 1).length
  checks.push(
    check(
      'I1',
      'No duplicated users: one user per subject (in the store, in live sessions, and as the browsers saw it before and after the restart)',
      ids.size === subjects.length && split === 0 && foreign === 0,
      `${subjects.length} users in the store with ${ids.size} distinct ids; ${split} subjects seen with two ids; ${foreign} live sessions whose user is not the store's`,
    ),
  )

  // I3 / I7 / DATA-03: sessions.
  const sessionKeys = ofKind('session')
  const sessionValues = await each(redis, sessionKeys, 'get')
  const sessionTtls = await each(redis, sessionKeys, 'pttl')
  let orphans = 0
  let unreadable = 0
  sessionValues.forEach((raw, i) => {
    let subject
    try {
      subject = JSON.parse(raw).subject
    } catch {
      unreadable++
      return
    }
    if (!(subject in users) || !(sessionTtls[i] > 0)) orphans++
  })
  checks.push(
    check(
      'I3-orphans',
      'No orphaned sessions: every session record names a subject that has its user, and expires',
      orphans === 0 && unreadable === 0,
      `${sessionKeys.length} session records; ${orphans} without a user or an expiry; ${unreadable} unreadable`,
    ),
  )
  checks.push(
    check(
      'I7',
      'Every session record is the live session of a browser told "logged in" (none that a failed or unknown login left)',
      sessionKeys.length === live.length,
      `${sessionKeys.length} records; ${live.length} live sessions held by the ${held.length} browsers told "logged in" (the others went with Redis's data)`,
    ),
  )
  const states = live.flatMap(({ rec }) => rec.states).filter(Boolean)
  const leftover = (
    await each(
      redis,
      states.map((s) => `${STORE_PREFIX}login:tx:${s}`),
      'exists',
    )
  ).filter((n) => n > 0).length
  checks.push(
    check(
      'I3-consumed',
      'Every live session came from a consumed transaction: no tx record left for its login',
      leftover === 0,
      `${states.length} states of those logins checked, ${leftover} still stored`,
    ),
  )

  // I4: no code exchanged twice.
  checks.push(
    check(
      'I4',
      'No code exchanged twice (emulator code usage)',
      codeUsage.repeats === 0,
      `${codeUsage.exchanges} exchanges of ${codeUsage.codes} codes, ${codeUsage.repeats} repeats`,
    ),
  )

  // I5: transactions (and every other key of wxauth) expire.
  const final = await sampleTransactions(redis)
  const samples = [...txSamples, final]
  const sampled = samples.reduce((sum, t) => sum + t.records, 0)
  const longTx = samples.reduce((sum, t) => sum + t.outOfBounds, 0)
  const wxauthKeys = keys.filter((k) => k.startsWith(STORE_PREFIX))
  const immortal = (await each(redis, wxauthKeys, 'pttl')).filter((t) => t === -1).length
  checks.push(
    check(
      'I5',
      'No transaction outlives its TTL: every tx record expires within 10 minutes; no wxauth key lacks an expiry',
      longTx === 0 && immortal === 0,
      `${sampled} tx records in ${samples.length} scans (${txSamples.length} during the load; ${longTx} without a TTL ≤ 10 min); ${wxauthKeys.length} wxauth keys at the end, ${immortal} without an expiry`,
    ),
  )
  const lockTtls = await each(redis, ofKind('lock'), 'pttl')
  const stuckLocks = lockTtls.filter((t) => !(t > 0 && t <= LOCK_TTL)).length
  checks.push(
    check(
      'locks',
      'No refresh lock outlives its TTL (30 s)',
      stuckLocks === 0,
      `${lockTtls.length} locks held at the scan, ${stuckLocks} without a TTL ≤ 30 s`,
    ),
  )

  // I6: tokens belong to an identity with a user, open with the secret, and WeChat knows them.
  const owners = new Map()
  const subjectKeys = ofKind('subject')
  const subjectValues = await each(redis, subjectKeys, 'get')
  subjectValues.forEach((raw, i) => {
    try {
      const { appId, openid } = JSON.parse(raw)
      owners.set(`${appId}:${openid}`, subjectKeys[i].slice(`${STORE_PREFIX}subject:`.length))
    } catch {}
  })
  const tokenKeys = ofKind('tokens')
  let ownerless = 0
  let sealedShut = 0
  let refreshedNow = 0
  const verdicts = { valid: 0, expiredAtWeChat: 0, unknownToWeChat: 0, unreadable: 0 }
  for (const key of tokenKeys) {
    const user = key.slice(`${STORE_PREFIX}tokens:`.length)
    const [appId, openid] = user.split(':')
    const owner = owners.get(user)
    if (owner === undefined || !(owner in users)) ownerless++
    let stored
    try {
      stored = await opener.getAccessToken({ appId, openid })
    } catch {
      sealedShut++
      continue
    }
    let current
    try {
      current = await keeper.getAccessToken({ appId, openid })
    } catch {
      verdicts.unreadable++
      continue
    }
    if (current !== stored) refreshedNow++
    const answer = await fetch(
      `${emulator}/sns/auth?access_token=${encodeURIComponent(current)}&openid=${encodeURIComponent(openid)}`,
      { signal: AbortSignal.timeout(5_000) },
    ).then((r) => r.json())
    if (answer.errcode === 0) verdicts.valid++
    else if (answer.errcode === 42001) verdicts.expiredAtWeChat++
    else verdicts.unknownToWeChat++
  }
  checks.push(
    check(
      'I6-open',
      'Every tokens record belongs to a subject that has its user, and opens with the secret',
      ownerless === 0 && sealedShut === 0,
      `${tokenKeys.length} tokens records; ${ownerless} without an owner with a user; ${sealedShut} that do not open`,
    ),
  )
  checks.push(
    check(
      'I6-current',
      'No token written by a refresh that lost its lock: every stored token is one WeChat still knows',
      verdicts.unknownToWeChat === 0 && verdicts.unreadable === 0,
      `valid ${verdicts.valid} (${refreshedNow} refreshed by this check, as expired), expired at WeChat ${verdicts.expiredAtWeChat}, unknown to WeChat ${verdicts.unknownToWeChat}, no token ${verdicts.unreadable}`,
    ),
  )
  checks.push(
    check(
      'REL-07',
      'One refresh per user per token expiry across both processes (refresh answers delivered, per openid and clock epoch)',
      refreshes.maxPerUserEpoch <= 1,
      `${refreshes.delivered} refreshes delivered over ${refreshes.userEpochs} user-expiries, at most ${refreshes.maxPerUserEpoch} per user-expiry (${refreshes.notDelivered} more answers did not reach the app whole: faults)${
        refreshes.twice.length > 0
          ? `; twice: ${refreshes.twice
              .slice(0, 3)
              .map((t) => `${t.openid} in epoch ${t.epoch} (${t.count}×)`)
              .join(', ')}`
          : ''
      }`,
    ),
  )

  const store = Object.fromEntries(
    [
      'session',
      'tokens',
      'subject',
      'tx',
      'pending',
      'result',
      'code',
      'lock',
      ...Object.keys(kinds),
    ].map((kind) => [kind, ofKind(kind).length]),
  )
  store.users = subjects.length
  return { checks, store, tokenVerdicts: verdicts }
}
