// The load-and-chaos run (issue 7): logins at a fixed concurrency for a fixed time against two
// processes of wxauth sharing a Redis store, while the WeChat emulator injects faults and Redis is
// restarted once (losing its data); then the §9 invariants are checked by scanning Redis, the
// hostile-input suites are counted per route, and docs/RELIABILITY.md is written.
//
// From the repository root: npm run chaos (builds, then runs this). Exits with 0 only when no login
// was lost and every check holds. Everything listens on 127.0.0.1; every process is a child that
// goes away with this one; every wait is bounded, and the whole run stops itself at HARD_LIMIT_MS.
//
// Settings are in ./config.mjs. CHAOS_DURATION_S=<seconds> shortens the load for a trial; the
// report then goes to a temporary file instead of docs/RELIABILITY.md (and says so).
import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Redis } from 'ioredis'
import { createWxAuth } from 'wxauth'
import { defaultOfficialAccount } from 'wxauth/emulator'
import { redisStore } from 'wxauth/redis'
import { startService } from '../bench/lib/emulator.mjs'
import { machineInfo } from '../bench/lib/machine.mjs'
import { start } from '../bench/logins/harness.mjs'
import { sendShifts, shiftedClock } from './clock.mjs'
import {
  ACCESS_TOKEN_TTL_S,
  API_CLIENTS,
  CHAOS,
  CLOCK_SHIFTS,
  HARD_LIMIT_MS,
  LOAD,
  LOGIN_BUDGET_MS,
  LOGIN_USERS,
  REDIS_RESTART,
  RETRY_PAUSE_MS,
  SECRET,
  SUITES_LIMIT_MS,
  TX_SAMPLES_AT,
  WECHAT,
} from './config.mjs'
import { hostileCases, SUITES } from './hostile.mjs'
import { checkInvariants, sampleTransactions } from './invariants.mjs'
import { runLoad, summarizeLoad } from './load.mjs'
import { freePort } from './ports.mjs'
import { renderReport } from './report.mjs'

const repo = fileURLToPath(new URL('..', import.meta.url))
const started = performance.now()
const log = (...args) =>
  console.error(`[chaos ${Math.round((performance.now() - started) / 1000)} s]`, ...args)
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)))

const trialSeconds = Number(process.env.CHAOS_DURATION_S)
const trial = Number.isFinite(trialSeconds) && trialSeconds > 0
const durationMs = trial ? trialSeconds * 1000 : LOAD.durationMs
// A trial keeps the events that fit in it, moved in proportion.
const scale = durationMs / LOAD.durationMs
const shiftsAt = CLOCK_SHIFTS.map((s) => ({ at: Math.round(s.at * scale), seconds: s.seconds }))
const redisAt = Math.round(REDIS_RESTART.at * scale)

/** What to stop at the end (or when stopped early), newest first. */
const stops = []
async function stopAll() {
  while (stops.length > 0)
    await stops
      .pop()?.()
      .catch(() => {})
}
const hardLimit = setTimeout(async () => {
  log(`still running after ${HARD_LIMIT_MS / 1000} s: stopping everything`)
  await stopAll()
  process.exit(2)
}, HARD_LIMIT_MS)
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
]) {
  process.once(signal, async () => {
    log(`${signal}: stopping everything`)
    await stopAll()
    process.exit(code)
  })
}

async function json(url, init) {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) })
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${await response.text()}`)
  return response.json()
}
const post = (url, body) =>
  json(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

async function main() {
  // 1. The processes: the emulator, Redis, two apps.
  const emulator = await start(new URL('./emulator.mjs', import.meta.url).href)
  stops.push(() => emulator.stop())
  const emulatorUrl = emulator.info.ready
  const redisServer = await startService(fileURLToPath(new URL('./redis.mjs', import.meta.url)), [])
  stops.push(() => redisServer.close())
  const redisPort = Number(new URL(redisServer.url).port)
  // The public origin: not listened on; the browsers' balancer sends its requests to either app.
  const site = `http://127.0.0.1:${await freePort()}`
  const apps = await Promise.all(
    ['A', 'B'].map((name) =>
      start(new URL('./app.mjs', import.meta.url).href, {
        env: {
          EMULATOR_URL: emulatorUrl,
          REDIS_PORT: String(redisPort),
          SITE_ORIGIN: site,
          APP_NAME: name,
        },
      }),
    ),
  )
  for (const app of apps) stops.push(() => app.stop())
  log(
    `emulator ${emulatorUrl}, redis :${redisPort}, apps ${apps.map((a) => a.info.ready).join(' ')}, site ${site}`,
  )

  // The run's own Redis client: samples transactions during the load, then the invariant scan.
  const checker = new Redis({
    host: '127.0.0.1',
    port: redisPort,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (attempt) => Math.min(attempt * 50, 500),
    lazyConnect: true,
  })
  checker.on('error', () => {})
  await checker.connect()
  stops.push(async () => {
    checker.disconnect()
  })

  // 2. One clock schedule for all of them, then chaos on and the load, with the Redis restart.
  const anchor = Date.now() + 1_000
  const shifts = shiftsAt.map((s) => ({ at: anchor + s.at, seconds: s.seconds }))
  const clock = shiftedClock()
  clock.set(shifts)
  await Promise.all([emulator, ...apps].map((p) => sendShifts(p.child, shifts)))
  await sleep(anchor - Date.now())
  const chaos = await post(`${emulatorUrl}/__emulator/chaos`, CHAOS)
  log(
    `chaos on: rate ${chaos.chaos.rate}, seed ${chaos.chaos.seed}; load for ${durationMs / 1000} s`,
  )

  /** When Redis went down and came back (wall ms); the load reads it while it runs. */
  const restart = {}
  const restarted = (async () => {
    await sleep(anchor + redisAt - Date.now())
    restart.downAt = await redisServer.call('stop')
    log('redis killed')
    await sleep(REDIS_RESTART.downMs)
    restart.spawnedAt = Date.now()
    restart.upAt = await redisServer.call('start')
    log(`redis back after ${restart.upAt - restart.downAt} ms`)
  })()
  /** I5 while logins are in flight: tx records and their TTLs, away from the Redis outage. */
  const txSamples = []
  const sampled = Promise.all(
    TX_SAMPLES_AT.map(async (at) => {
      await sleep(anchor + Math.round(at * scale) - Date.now())
      try {
        txSamples.push(await sampleTransactions(checker))
      } catch (error) {
        log(`transaction sample at ${at / 1000} s failed: ${error.message}`)
      }
    }),
  )
  const load = await runLoad({
    site,
    backends: apps.map((a) => a.info.ready),
    emulator: emulatorUrl,
    users: emulator.info.users.slice(0, LOGIN_USERS),
    apiUsers: emulator.info.users.slice(LOGIN_USERS),
    concurrency: LOAD.concurrency,
    apiClients: API_CLIENTS,
    durationMs,
    budgetMs: LOGIN_BUDGET_MS,
    retryPauseMs: RETRY_PAUSE_MS,
    redis: restart,
    log,
  })
  await restarted
  await sampled
  const chaosAfter = await post(`${emulatorUrl}/__emulator/chaos`, { off: true })
  log(`load done: ${load.logins.length} logins; chaos off`)

  // 3. What the emulator and the apps saw, then the invariant scan.
  const state = await json(`${emulatorUrl}/__emulator/state`)
  const refreshes = await json(`${emulatorUrl}/__reliability/refreshes`)
  const appStats = await Promise.all(
    apps.map(async (a) => ({
      ...(await json(`${a.info.ready}/app/stats`)),
      alive: a.child.exitCode === null && a.child.signalCode === null,
    })),
  )
  const checkerAuth = (now) =>
    createWxAuth({
      apps: { official: { appId: emulator.info.appId, appSecret: defaultOfficialAccount.secret } },
      baseUrl: site,
      secrets: [SECRET],
      store: redisStore({ client: checker }),
      // As the apps: a session counts only while its record is in the store.
      session: { revocable: true },
      apiBaseUrl: emulatorUrl,
      openBaseUrl: emulatorUrl,
      wechat: WECHAT,
      now,
    })
  const summary = summarizeLoad(load)
  const { checks, store } = await checkInvariants({
    redis: checker,
    load,
    restart,
    site,
    emulator: emulatorUrl,
    codeUsage: state.codeUsage,
    refreshes,
    apps: appStats,
    txSamples,
    opener: checkerAuth(() => 1),
    keeper: checkerAuth(clock.now),
  })
  await stopAll()
  for (const c of checks) log(`${c.holds ? 'holds ' : 'BROKEN'} ${c.id}: ${c.detail}`)

  // 4. The hostile-input suites, counted per route.
  log(`running ${SUITES.join(' ')} for the hostile cases per route`)
  const hostile = await hostileCases({ repo, limitMs: SUITES_LIMIT_MS, log })
  hostile.suites = SUITES
  if (hostile.error) log(hostile.error)
  else log(`suites: ${hostile.passed} of ${hostile.total} passed`)

  // 5. The report.
  const ok = summary.lost === 0 && checks.every((c) => c.holds)
  const loggedIn = load.logins.filter((r) => r.loggedInAt > restart.spawnedAt)
  const firstAfter = (recs) => {
    const times = recs
      .filter((r) => r.outcome === 'completed' || r.outcome === 'restarted')
      .map((r) => r.loggedInAt)
    return times.length === 0 ? Number.NaN : Math.max(0, Math.min(...times) - restart.upAt)
  }
  const perProcess = apps.map((a, i) => ({
    name: a.info.name,
    ms: firstAfter(loggedIn.filter((r) => r.backend === i)),
  }))
  const storeFailures = load.logins.filter((r) => r.code === 'store_unavailable')
  const lastStoreFailure = Math.max(...storeFailures.map((r) => r.end ?? r.start))
  const machine = machineInfo()
  const markdown = renderReport({
    verdict: `${
      ok
        ? `**${summary.lost} lost logins, and every invariant holds.**`
        : `**${summary.lost} lost logins; ${checks.filter((c) => !c.holds).length} check(s) broken.**`
    }${trial ? ` (A trial of ${trialSeconds} s, not the full run: CHAOS_DURATION_S was set.)` : ''}`,
    machine,
    settings: {
      wechat: WECHAT,
      concurrency: LOAD.concurrency,
      durationMs,
      retryPauseMs: RETRY_PAUSE_MS,
      loginUsers: LOGIN_USERS,
      api: API_CLIENTS,
      accessTokenTtl: ACCESS_TOKEN_TTL_S,
      shiftSeconds: shiftsAt[0]?.seconds,
      shifts: shiftsAt.map((s) => s.at),
      redisAt,
      redisDownMs: REDIS_RESTART.downMs,
      budgetMs: LOGIN_BUDGET_MS,
      redisVersion: redisVersion(),
    },
    summary,
    marks: [
      { at: restart.downAt - load.startedAt, label: 'Redis killed' },
      { at: restart.upAt - load.startedAt, label: 'Redis back' },
    ],
    chaos: { settings: chaos.chaos, report: chaosAfter.report, clientTimeout: WECHAT.timeout },
    outage: {
      killedAt: restart.downAt - load.startedAt,
      outageMs: restart.upAt - restart.downAt,
      firstLoginMs: firstAfter(loggedIn),
      perProcess,
      bothMs: Math.max(...perProcess.map((p) => p.ms)),
      reconnect: appStats.map((a) => ({
        name: a.name,
        ms: (a.redisReady.find((t) => t > restart.downAt) ?? Number.NaN) - restart.upAt,
      })),
      lastStoreFailureMs: Number.isFinite(lastStoreFailure)
        ? Math.max(0, lastStoreFailure - restart.upAt)
        : Number.NaN,
      storeFailures: storeFailures.length,
    },
    apps: appStats.map((a, i) => ({
      name: a.name,
      sessions: load.logins.filter(
        (r) => r.backend === i && (r.outcome === 'completed' || r.outcome === 'restarted'),
      ).length,
      refreshes: a.events.refresh ?? 0,
      refreshFailures: Object.entries(a.events)
        .filter(([key]) => key.startsWith('refresh-failure'))
        .reduce((sum, [, n]) => sum + n, 0),
      redisErrors: a.redisErrors,
      crashes: a.crashes,
    })),
    checks,
    store,
    hostile,
    durationMs: performance.now() - started,
  })
  const target = trial
    ? join(tmpdir(), 'wxauth-RELIABILITY-trial.md')
    : join(repo, 'docs', 'RELIABILITY.md')
  await writeFile(target, markdown)
  log(
    `${ok ? 'OK' : 'FAILED'}: ${summary.attempted} logins (${summary.completed} completed, ${summary.restarted} restarted, ${summary.failed} failed, ${summary.lost} lost); wrote ${target}`,
  )
  return ok
}

try {
  const ok = await main()
  clearTimeout(hardLimit)
  process.exit(ok ? 0 : 1)
} catch (error) {
  log('the run failed:', error?.stack ?? error)
  await stopAll()
  process.exit(1)
}

function redisVersion() {
  try {
    return execFileSync('redis-server', ['--version'], { encoding: 'utf8' })
      .trim()
      .split(' ')
      .slice(0, 3)
      .join(' ')
  } catch {
    return 'unknown'
  }
}
