// docs/RELIABILITY.md from the figures of one load-and-chaos run (written by ./run.mjs).
import { fmt } from '../bench/lib/stats.mjs'

const cell = (value) =>
  String(value ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ')

/** A Markdown table; columns after the first are right-aligned unless named in `left`. */
function table(columns, rows, left = []) {
  const align = columns.map((c, i) => (i === 0 || left.includes(c) ? ' --- ' : ' ---: '))
  return [
    `| ${columns.map(cell).join(' | ')} |`,
    `|${align.join('|')}|`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n')
}

const seconds = (ms) => `${fmt(ms / 1000, 1)} s`
const ms = (value) => (Number.isFinite(value) ? `${fmt(value, 0)} ms` : 'n/a')
const sorted = (counts) => Object.entries(counts).sort((a, b) => b[1] - a[1])

/** What a problem code means in this run. */
const WHY = {
  store_unavailable:
    'Redis was down: the flow does not start or finish a login it cannot record (503, “try again in a few minutes”)',
  code_invalid:
    'the code exchange failed on the first try and again after the automatic restart (a fault that spent the code, or a code that expired in a clock shift)',
  wechat_unavailable: 'WeChat’s API kept failing past the retries and the callback budget',
  state_expired: 'the login’s transaction went with Redis’s data',
  unauthenticated: 'the session, checked right after the callback, had gone with Redis’s data',
}

function loginsSection(summary) {
  const { attempted, completed, restarted, failed, lost } = summary
  const pct = (n) => (attempted > 0 ? `${fmt((100 * n) / attempted, 1)} %` : '')
  const parts = [
    table(
      ['logins', 'count', 'share'],
      [
        ['attempted', attempted, ''],
        ['completed (a session at the first try)', completed, pct(completed)],
        ['restarted (a session after the flow’s automatic restart)', restarted, pct(restarted)],
        ['failed (a clear problem page or JSON code within the budget)', failed, pct(failed)],
        [
          '**lost** (no clear end within the budget, or “logged in” without a live session)',
          `**${lost}**`,
          pct(lost),
        ],
      ],
    ),
  ]
  const failures = sorted(summary.failures)
  if (failures.length > 0) {
    parts.push('Failed logins by problem code (and the step where the login ended):')
    parts.push(
      table(
        ['code (step)', 'logins', 'why, in this run'],
        failures.map(([key, n]) => [key, n, WHY[key.split(' ')[0]] ?? '']),
        ['why, in this run'],
      ),
    )
  }
  const losses = sorted(summary.losses)
  if (losses.length > 0) {
    parts.push('Lost logins by reason:')
    parts.push(table(['reason', 'logins'], losses))
  }
  const { latency } = summary
  parts.push(
    `Logins that ended in a session took ${ms(latency.p50)} at the median, ${ms(latency.p90)} at p90, ${ms(latency.p99)} at p99 and ${ms(latency.max)} at most (every step, restarts and the session check included).`,
  )
  const t = summary.tokens
  const tokenRows = [
    ['calls', t.calls],
    ['a token', t.ok],
    ...sorted(t.failed).map(([code, n]) => [`clear error: ${code}`, n]),
    ...sorted(t.lost).map(([reason, n]) => [`**no clear answer**: ${reason}`, n]),
  ]
  parts.push(
    `The API clients' calls of \`GET /app/token\` (the app's route around \`auth.getAccessToken\`), through either process:`,
  )
  parts.push(table(['GET /app/token', 'count'], tokenRows))
  return parts.join('\n\n')
}

function timelineSection(summary, marks) {
  const rows = summary.windows.map((w, i) => {
    const from = i * 5
    const events = marks
      .filter((m) => m.at >= from * 1000 && m.at < (from + 5) * 1000)
      .map((m) => m.label)
    return [`${from}–${from + 5} s`, w.completed, w.restarted, w.failed, w.lost, events.join('; ')]
  })
  return table(['logins started', 'completed', 'restarted', 'failed', 'lost', 'events'], rows, [
    'events',
  ])
}

function faultsSection(chaos) {
  const { settings, report } = chaos
  const endpoints = settings.endpoints
  const kinds = sorted(report.byKind)
  const rows = kinds.map(([kind, n]) => [
    kind,
    n,
    ...endpoints.map((e) => report.byEndpoint[e]?.[kind] ?? 0),
  ])
  rows.push([
    '**all kinds**',
    `**${report.injected}**`,
    ...endpoints.map((e) => Object.values(report.byEndpoint[e] ?? {}).reduce((a, b) => a + b, 0)),
  ])
  return [
    `Chaos mode of the emulator at rate ${settings.rate} with seed ${settings.seed} over ${endpoints.map((e) => `\`${e}\``).join(', ')}, every fault kind with equal chance, \`timeout\` holding the answer ${settings.timeoutDelay} ms (the apps' client gives up after ${chaos.clientTimeout} ms): ${report.injected} faults in ${report.calls} calls.`,
    table(['fault kind', 'injected', ...endpoints], rows),
  ].join('\n\n')
}

function outageSection(outage) {
  const rows = [
    [
      'killed (SIGKILL, no persistence: every key lost)',
      `${seconds(outage.killedAt)} into the load`,
    ],
    ['outage (kill → the new redis-server answers PING)', ms(outage.outageMs)],
    ...outage.reconnect.map(({ name, ms: value }) => [
      `Redis back → process ${name}'s Redis client connected again`,
      ms(value),
    ]),
    ['Redis back → first login completed', ms(outage.firstLoginMs)],
    ...outage.perProcess.map(({ name, ms: value }) => [
      `Redis back → first login completed by process ${name}`,
      ms(value),
    ]),
    ['Redis back → both processes completing logins', ms(outage.bothMs)],
    [
      'last login failed on `store_unavailable`, after Redis was back',
      ms(outage.lastStoreFailureMs),
    ],
    ['logins failed on `store_unavailable` in all', outage.storeFailures],
  ]
  return [
    table(['Redis restart', ''], rows),
    'The apps use the ioredis settings `redisStore` documents (`enableOfflineQueue: false, maxRetriesPerRequest: 1, autoResendUnfulfilledCommands: false, retryStrategy` capped at 500 ms, `lazyConnect: true`): commands fail fast while Redis is down, none is re-sent to the restarted (empty) server after it failed, and the client tries to reconnect every half second at most, so logins resume within about that of Redis coming back. The app’s own user upsert in `onLogin` marks a Redis failure `retryable`, which the flow shows as “try again in a few minutes” (`store_unavailable`), not as a refused login.',
  ].join('\n\n')
}

function appsSection(apps) {
  return table(
    [
      'process',
      'logins it finished (callback → session)',
      'refreshes it made',
      'refreshes that failed (WeChat)',
      'Redis client errors',
      'crashes',
    ],
    apps.map((a) => [a.name, a.sessions, a.refreshes, a.refreshFailures, a.redisErrors, a.crashes]),
  )
}

function checksSection(checks) {
  return table(
    ['check', 'requirement', 'result', 'figures'],
    checks.map((c) => [c.id, c.name, c.holds ? 'holds' : '**BROKEN**', c.detail]),
    ['requirement', 'result', 'figures'],
  )
}

function hostileSection(hostile) {
  if (hostile.error) return `The suites could not be counted: ${hostile.error}`
  const rows = hostile.routes
    .sort((a, b) => b.tests - a.tests)
    .map((r) => [
      r.route,
      r.tests,
      r.properties,
      r.runs,
      r.failed > 0 ? `**${r.failed} failed**` : `${r.passed} passed`,
      r.files.join(', '),
    ])
  const runs = hostile.routes.reduce((a, r) => a + r.runs, 0)
  rows.push([
    '**all**',
    `**${hostile.total}**`,
    '',
    `**${runs}**`,
    `${hostile.passed} passed, ${hostile.failed} failed`,
    '',
  ])
  const failing =
    hostile.failing.length === 0
      ? []
      : ['Failed in this run:', hostile.failing.map((t) => `- ${t}`).join('\n')]
  return [
    `From \`vitest run ${hostile.suites.join(' ')}\` in this run (${fmt(hostile.seconds, 0)} s): test cases per route, how many of them are fast-check properties, and the inputs those properties generated (fixed seeds). A test that walks a corpus (the 282 open-redirect payloads, the login-CSRF matrix) counts once per case vitest reports.`,
    table(['route', 'test cases', 'properties', 'generated inputs', 'result', 'suites'], rows, [
      'result',
      'suites',
    ]),
    ...failing,
  ].join('\n\n')
}

function storeSection(store) {
  const names = {
    tx: 'login transactions (`login:tx:`)',
    pending: 'pending-login lists per browser (`login:pending:`)',
    result: 'callback results kept for duplicate callbacks (`login:result:`)',
    code: 'codes seen (`login:code:`)',
    session: 'sessions (`session:`)',
    tokens: 'users’ tokens, sealed (`tokens:`)',
    subject: 'subject → identity (`subject:`)',
    lock: 'refresh locks',
    admissions: 'the count of login starts admitted (one sorted set)',
    users: 'the app’s users (`app:users`, a hash)',
  }
  return table(
    ['in Redis at the scan', 'records'],
    Object.entries(store).map(([kind, n]) => [names[kind] ?? kind, n]),
  )
}

/** The whole document. */
export function renderReport(run) {
  const { verdict, machine, settings, summary, chaos, outage, checks, store, hostile } = run
  const dirty = machine.dirty ? ' (with uncommitted changes)' : ''
  return `# Reliability: logins under load and chaos

Generated by \`reliability/run.mjs\`; do not edit by hand. These are the figures of the latest
run of the command below on the machine below: ${verdict}

## What the run does

Everything on 127.0.0.1, every process a child of the command (gone when it ends), every wait
bounded; it stops by itself.

- A dedicated \`redis-server\` on a free port, without persistence; the WeChat emulator in its own
  process with chaos mode on; two application processes (wxauth on \`node:http\`, \`wxauth/redis\`
  over ioredis with the client settings redisStore documents, revocable sessions, \`wechat: ${JSON.stringify(settings.wechat)}\`,
  an \`onLogin\` that upserts the app's user with \`HSETNX\`, and \`GET /app/token\` around
  \`auth.getAccessToken\`).
- ${settings.concurrency} virtual browsers (the WeChat in-app browser) log in for ${seconds(settings.durationMs)}, ${settings.loginUsers} WeChat users taking
  turns: each login in a new cookie jar, login → WeChat's authorize page (consent on a user's first
  visit) → callback → session check, following the flow's automatic restart; after a failed login,
  a pause of ${settings.retryPauseMs} ms (a person reads the page before trying again). One public origin is
  served by both processes: every request goes to one of them at random, so a login started in
  one process often finishes in the other.
- Meanwhile ${settings.api.users * settings.api.perUser} API clients, ${settings.api.perUser} for each of ${settings.api.users} more users, log in the same way and then call
  \`GET /app/token\` over and over (${settings.api.pauseMs} ms apart), through either process, logging in again when their
  session is gone. Those users log in nowhere else, so their tokens only get new by refreshes.
- Access tokens live ${settings.accessTokenTtl / 60} minutes at this emulator (WeChat's live 2 hours), and the clock of the
  emulator and of both apps moves ${settings.shiftSeconds} s forward every ${seconds(settings.shifts[0])} (${settings.shifts.length} times, all processes at the same
  instant): after each shift every API user's token has expired, and its ${settings.api.perUser} clients race for
  the one refresh across both processes.
- Redis is killed at ${seconds(settings.redisAt)}, stays down ${seconds(settings.redisDownMs)}, and comes back empty on the same port.
- A login that has no clear end within ${seconds(settings.budgetMs)} is lost. Afterwards chaos stops and Redis is
  scanned (SCAN) for the §9 invariants of \`security.md\`.

## Reproduce

\`\`\`sh
# from the repository root: builds wxauth, then runs the load-and-chaos run (about 3 minutes)
npm run chaos
# the same, by hand
npm run build && node reliability/run.mjs
\`\`\`

Needs \`redis-server\` on the PATH. The command exits with 0 only when no login was lost and every
check below holds.

## Machine

${table(
  ['', ''],
  [
    ['date', machine.date],
    ['cores', machine.cores],
    ['CPU', machine.cpuModel],
    ['memory', `${machine.memoryGiB} GiB`],
    ['Node.js', `${machine.node} (V8 ${machine.v8})`],
    ['Redis', settings.redisVersion],
    ['OS', machine.platform],
    ['commit', `${machine.commit ?? 'unknown'}${dirty}`],
    ['whole run (build excluded)', seconds(run.durationMs)],
  ],
)}

## Logins

${loginsSection(summary)}

Logins by the 5-second window they started in:

${timelineSection(summary, run.marks)}

The two processes, as each counted (refreshes from wxauth's \`log\` events):

${appsSection(run.apps)}

## Faults injected

${faultsSection(chaos)}

## Redis outage and recovery

${outageSection(outage)}

## Invariant checks

${checksSection(checks)}

Where the numbers come from: the browsers' records of every login (state, user, session), a SCAN of
Redis, the emulator's code usage (\`/__emulator/state\`) and its count of delivered refresh answers per
user and clock epoch, and each stored token opened with the apps' secret by a third wxauth instance
and checked with WeChat's \`sns/auth\` after chaos stopped.

${storeSection(store)}

## Hostile cases tried per route

${hostileSection(hostile)}
`
}
