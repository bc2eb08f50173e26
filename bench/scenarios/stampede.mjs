// Refresh stampede: 1000 concurrent `getAccessToken` for one user whose access token has expired.
//   (a) one app process with 1000 callers, on the memory store and on the Redis store;
//   (b) 3 app processes sharing Redis, ~333 callers each, all started at one agreed instant.
// Target: WeChat (the emulator) sees exactly 1 refresh per stampede, and every caller gets the same,
// new token. Measured: the time from the agreed instant until the last caller has its token.
//
// Each app instance is its own process (bench/stampede/worker.mjs); this process only runs the
// emulator (over a real socket) and coordinates. Before each stampede the user logs in again
// through wxauth's routes and the emulator (auto-approve), so the tokens are stored as in
// production; the measuring wxauth instances run 7300 s ahead (`now`), and so does the emulator's
// clock, so that the access token is expired for them. One warm-up round is not counted.
//
// Run `npm run build` first, then: node bench/scenarios/stampede.mjs
// Env: REDIS_URL (redis://127.0.0.1:6379), STAMPEDE_RUNS (5), STAMPEDE_CALLERS (1000),
// STAMPEDE_BUDGET_MS (60000: past it, everything is stopped and the scenario fails).
import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Redis } from 'ioredis'
import { createEmulator, defaultOfficialAccount } from '../../dist/emulator/index.js'
import { redisStore } from '../../dist/stores/redis/index.js'
import { SHIFT_MS, wallNow } from '../stampede/common.mjs'

const WORKER = fileURLToPath(new URL('../stampede/worker.mjs', import.meta.url))
const REFRESH = 'sns/oauth2/refresh_token'
const PROCESSES = 3
// Between announcing the agreed instant and reaching it: time for the message to every process.
const LEAD_MS = 100
// The whole scenario stops (and fails) after this, whatever happens.
const BUDGET_MS = Number(process.env.STAMPEDE_BUDGET_MS ?? 60_000)

const sum = (values) => values.reduce((a, b) => a + b, 0)
function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const round = (value, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

/** `callers` split over `parts` as evenly as possible: 1000 over 3 → 334, 333, 333. */
const split = (callers, parts) =>
  Array.from({ length: parts }, (_, i) => Math.floor(callers / parts) + (i < callers % parts))

/** Forks an app instance and resolves, once it is ready, a function sending it one request. */
function startWorker(config, children) {
  // No execArgv from this process (--input-type, --cpu-prof…); NODE_OPTIONS still applies.
  const child = fork(WORKER, [JSON.stringify(config)], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  })
  children.push(child)
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000)
  })
  // Requests waiting for their answer, by id: settle(error, result).
  const pending = new Map()
  let next = 0
  const failAll = (error) => {
    for (const settle of pending.values()) settle(error)
  }
  child.on('error', failAll)
  const send = (request, timeout = 20_000) =>
    new Promise((resolve, reject) => {
      const id = next++
      const timer = setTimeout(
        () =>
          pending.get(id)?.(
            new Error(`stampede worker: no answer to ${request.type} in ${timeout} ms`),
          ),
        timeout,
      )
      pending.set(id, (error, result) => {
        clearTimeout(timer)
        pending.delete(id)
        if (error) reject(error)
        else resolve(result)
      })
      child.send({ ...request, id }, (error) => error && pending.get(id)?.(error))
    })
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const error = new Error(`stampede worker exited (${code}): ${stderr.trim() || 'no output'}`)
      failAll(error)
      reject(error)
    })
    child.on('message', (message) => {
      if (message?.type === 'ready') resolve(send)
      else pending.get(message?.id)?.(message.error && new Error(message.error), message.result)
    })
  })
}

/**
 * One stampede: log in again, expire the token (unless `expired` is false: the baseline), fire the
 * callers at one instant, check.
 */
async function stampedeOnce(emu, workers, callers, expired) {
  const { subject, token: before } = await workers[0]({ type: 'login' })
  if (expired) emu.clock.advance(SHIFT_MS / 1000)
  const refreshesBefore = emu.count(REFRESH)
  const startAt = wallNow() + LEAD_MS
  const shares = split(callers, workers.length)
  const results = await Promise.all(
    workers.map((send, i) => send({ type: 'run', subject, callers: shares[i], startAt, expired })),
  )
  const refreshes = emu.count(REFRESH) - refreshesBefore
  const { token: stored } = await workers[0]({ type: 'token', subject })
  const tokens = new Map()
  const errors = {}
  for (const result of results) {
    for (const [token, n] of Object.entries(result.tokens))
      tokens.set(token, (tokens.get(token) ?? 0) + n)
    for (const [name, n] of Object.entries(result.errors)) errors[name] = (errors[name] ?? 0) + n
  }
  const [token] = tokens.keys()
  const served = sum([...tokens.values()])
  return {
    ms: Math.max(...results.map((r) => r.lastDone)) - startAt,
    refreshes,
    served,
    distinct: tokens.size,
    errors,
    // One token for every caller, new (not the login's) when it had expired, and the one the store
    // now holds.
    sameToken:
      served === callers && tokens.size === 1 && (token !== before) === expired && token === stored,
    lag: Math.max(...results.map((r) => r.lag)),
  }
}

/**
 * @param {{ log?: (line: string) => void }} [options]
 */
export async function run({ log = () => {} } = {}) {
  const RUNS = Number(process.env.STAMPEDE_RUNS ?? 5)
  const CALLERS = Number(process.env.STAMPEDE_CALLERS ?? 1000)
  const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379')
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(redisUrl.hostname)) {
    throw new Error(`Refusing to use a non-loopback Redis (${redisUrl.hostname}).`)
  }
  const official = { appId: defaultOfficialAccount.appId, appSecret: defaultOfficialAccount.secret }
  const prefix = `wxauth-bench:stampede:${randomUUID()}:`
  const emu = createEmulator()
  const redis = new Redis(redisUrl.href, { lazyConnect: true, enableOfflineQueue: false })
  redis.on('error', () => {})
  const children = []
  let budget
  const overBudget = new Promise((_, reject) => {
    budget = setTimeout(
      () => reject(new Error(`stampede scenario: over its ${BUDGET_MS / 1000} s budget`)),
      BUDGET_MS,
    )
  })

  // The machine's load when we start: on a busy machine, the times (not the counts) mean little.
  const load = loadavg()[0]
  const measure = async () => {
    const redisUp = await redis.connect().then(
      () => true,
      () => false,
    )
    const { url: apiUrl } = await emu.listen({ port: 0, host: '127.0.0.1' })
    emu.autoApprove('zhangsan')
    const base = {
      ...official,
      apiUrl,
      redisUrl: redisUrl.href,
      prefix,
      maxLifetime: BUDGET_MS + 5_000,
    }
    const cases = [
      // The baseline: the same 1000 callers when the token is still valid (no refresh at all).
      {
        name: 'baseline: valid token, memory store, 1 process',
        config: { store: 'memory' },
        processes: 1,
        expired: false,
      },
      { name: 'memory store, 1 process', config: { store: 'memory' }, processes: 1 },
      ...(redisUp
        ? [
            { name: 'Redis store, 1 process', config: { store: 'redis' }, processes: 1 },
            {
              name: `Redis store, ${PROCESSES} processes`,
              config: { store: 'redis' },
              processes: PROCESSES,
            },
          ]
        : []),
    ]
    log(`stampede: starting ${sum(cases.map((c) => c.processes))} app processes`)
    for (const c of cases) {
      c.workers = await Promise.all(
        Array.from({ length: c.processes }, () => startWorker({ ...base, ...c.config }, children)),
      )
      c.runs = []
    }
    for (let r = 0; r <= RUNS; r++) {
      // Cases interleaved, so that a slow moment of the machine does not fall on one case only.
      for (const c of cases) {
        const result = await stampedeOnce(emu, c.workers, CALLERS, c.expired ?? true)
        if (r > 0) c.runs.push(result)
        log(
          `stampede: ${r === 0 ? 'warm-up' : `run ${r}/${RUNS}`}, ${c.name}: ${round(result.ms)} ms, ` +
            `${result.refreshes} refresh(es), ${result.distinct} distinct token(s), ` +
            `${result.served}/${CALLERS} served`,
        )
      }
    }
    return { cases, redisUp }
  }

  try {
    const measuring = measure()
    // Past the budget, the workers are killed below and `measuring` fails too: nobody awaits it.
    measuring.catch(() => {})
    const { cases, redisUp } = await Promise.race([measuring, overBudget])
    return report(cases, { redisUp, RUNS, CALLERS, redisUrl, load })
  } finally {
    clearTimeout(budget)
    for (const child of children) {
      if (child.connected) child.send({ type: 'stop' })
      child.kill()
    }
    if (redis.status === 'ready') {
      await redisStore({ client: redis, prefix }).clear()
      await redis.quit()
    } else redis.disconnect()
    await emu.close()
  }
}

function report(cases, { redisUp, RUNS, CALLERS, redisUrl, load }) {
  const contenders = cases.map((c) => {
    const runs = c.runs.map((r) => round(r.ms, 2))
    const errors = {}
    for (const r of c.runs)
      for (const [name, n] of Object.entries(r.errors)) errors[name] = (errors[name] ?? 0) + n
    return {
      name: c.name,
      runs,
      median: round(median(runs), 2),
      spread: round(Math.max(...runs) - Math.min(...runs), 2),
      extra: {
        expired: c.expired ?? true,
        processes: c.processes,
        callers: CALLERS,
        upstreamRefreshes: c.runs.map((r) => r.refreshes),
        sameToken: c.runs.every((r) => r.sameToken),
        distinctTokens: c.runs.map((r) => r.distinct),
        served: c.runs.map((r) => r.served),
        errors,
        startSkewMs: round(Math.max(...c.runs.map((r) => r.lag)), 2),
      },
    }
  })
  const [baseline, ...stampedes] = contenders
  // Time of each stampede over the same callers with nothing to refresh (>= 1: the refresh's cost).
  const ratios = Object.fromEntries(
    stampedes.map((c) => [`${c.name} / baseline (time)`, round(c.median / baseline.median, 2)]),
  )
  const met =
    redisUp &&
    contenders.every(
      (c) =>
        c.extra.sameToken &&
        c.extra.upstreamRefreshes.every((n) => n === (c.extra.expired ? 1 : 0)),
    )
  const refreshesSeen = stampedes
    .map((c) => `${c.name}: ${c.extra.upstreamRefreshes.join(', ')}`)
    .join('; ')
  const notes = [
    `${CALLERS} concurrent getAccessToken for one user with an expired access token; ${RUNS} runs per case after one warm-up round, cases interleaved.`,
    `The baseline is the same ${CALLERS} callers in one process on the memory store while the token is still valid (0 refreshes): the ratios are each stampede's time over it.`,
    'Time: from the agreed start instant until the last caller has its token (ms, lower is better); spread is max - min over the runs.',
    `Before each run the user logs in again through /auth/wechat/login → emulator authorize (auto-approve) → callback; the measuring wxauth instances' clock (now) and the emulator's clock are ${SHIFT_MS / 1000} s ahead.`,
    'Each app instance is its own process (bench/stampede/worker.mjs); the emulator runs in the coordinating process, over a real socket.',
    `Across processes, callers that lose the Redis lock poll the stored tokens every 25 ms (WAIT_STEP in src/flow/tokens.ts): the ${PROCESSES}-process time includes that wait.`,
    `Upstream refresh calls per run (emulator count of ${REFRESH}): ${refreshesSeen}; baseline: ${baseline.extra.upstreamRefreshes.join(', ')}.`,
    `Load average at the start: ${round(load, 2)} on ${availableParallelism()} cores (${sum(cases.map((c) => c.processes))} app processes, the emulator and Redis share them).`,
    `Largest delay of a process's start after the agreed instant: ${round(Math.max(...contenders.map((c) => c.extra.startSkewMs)), 2)} ms.`,
    `Redis: ${redisUp ? `${redisUrl.host}, keys under a unique prefix, cleared afterwards` : `not reachable at ${redisUrl.href}: Redis cases not measured`}.`,
  ]
  return {
    scenario: 'stampede',
    title: `Refresh stampede: ${CALLERS} concurrent getAccessToken for one expired user`,
    unit: 'ms',
    contenders,
    ratios,
    notes,
    target: {
      description:
        'exactly 1 upstream refresh per stampede, in one process and across processes; one token for all callers',
      met,
      measured: refreshesSeen,
    },
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run({ log: (line) => console.error(line) })
  console.log(`\n${result.title}\n`)
  const rows = [
    ['contender', 'median ms', 'spread ms', 'runs ms', 'refreshes per run', 'same token'],
    ...result.contenders.map((c) => [
      c.name,
      c.median.toFixed(1),
      c.spread.toFixed(1),
      c.runs.map((v) => v.toFixed(1)).join(' '),
      c.extra.upstreamRefreshes.join(' '),
      c.extra.sameToken ? 'yes' : 'NO',
    ]),
  ]
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)))
  for (const [i, row] of rows.entries()) {
    console.log(`| ${row.map((cell, j) => cell.padEnd(widths[j])).join(' | ')} |`)
    if (i === 0) console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`)
  }
  console.log()
  for (const [name, value] of Object.entries(result.ratios)) console.log(`${name}: ${value}x`)
  console.log(`target (${result.target.description}): ${result.target.met ? 'met' : 'NOT met'}`)
  for (const note of result.notes) console.log(`- ${note}`)
  if (!result.target.met) process.exitCode = 1
}
