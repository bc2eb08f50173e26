// "Hostile cases tried per route", taken from the real suites rather than restated: runs the
// hostile-input and fault suites (test/security, test/reliability) with vitest's JSON reporter,
// bounded in time, and counts their test cases per route, with the inputs their fast-check
// properties generated (each property's `runs(numRuns, seed)`, read from the test's source between
// its line and the next test's; fast-check's default of 100 when a property sets none).
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'

export const SUITES = ['test/security', 'test/reliability']
const DEFAULT_NUM_RUNS = 100

/**
 * Which route a test exercises: the first rule whose file and title (describe blocks and name,
 * joined) match. Emulator routes are the fake WeChat's, which the other suites trust.
 */
const RULES = [
  [/hostile-login/, /\/auth\/wechat\/logout/, 'POST /auth/wechat/logout'],
  [/hostile-login/, /\/auth\/wechat\/session/, 'GET /auth/wechat/session'],
  [/hostile-login/, /paths under the base path/, 'other paths under /auth/wechat/'],
  [/hostile-login/, /./, 'GET /auth/wechat/login'],
  [/hostile-callback|login-csrf/, /./, 'GET /auth/wechat/callback'],
  [/open-redirect/, /logout/, 'POST /auth/wechat/logout'],
  [/open-redirect/, /refuses/, 'GET /auth/wechat/callback'],
  [/open-redirect/, /./, 'GET /auth/wechat/login (returnTo)'],
  [/faults/, /./, 'GET /auth/wechat/callback (WeChat faults)'],
  [/emulator-hostile/, /control API/, 'emulator: /__emulator/ control API'],
  [/emulator-hostile/, /authorize and qrconnect/, 'emulator: authorize and QR pages'],
  [/emulator-hostile/, /own pages/, 'emulator: its own pages'],
  [/emulator-hostile/, /API endpoints/, 'emulator: sns/* API'],
]

function routeOf(file, title) {
  for (const [fileRule, titleRule, route] of RULES) {
    if (fileRule.test(file) && titleRule.test(title)) return route
  }
  return `other (${basename(file)})`
}

/** Property runs in source lines [from, to): `runs(N, …)` each, or the default per bare fc.assert. */
function propertyRuns(lines, from, to) {
  const body = lines.slice(from - 1, to - 1).join('\n')
  const explicit = [...body.matchAll(/\bruns\(\s*([\d_]+)\s*,/g)].map((m) =>
    Number(m[1].replaceAll('_', '')),
  )
  const asserts = (body.match(/\bfc\.assert\(/g) ?? []).length
  const total = explicit.reduce((a, b) => a + b, 0)
  return {
    properties: asserts,
    runs: total + Math.max(0, asserts - explicit.length) * DEFAULT_NUM_RUNS,
  }
}

/** Counts a vitest JSON report's tests per route. */
export function countByRoute(report) {
  const routes = new Map()
  for (const file of report.testResults) {
    const lines = readFileSync(file.name, 'utf8').split('\n')
    const starts = [
      ...new Set(file.assertionResults.map((a) => a.location?.line ?? 0).filter((l) => l > 0)),
    ].sort((a, b) => a - b)
    for (const test of file.assertionResults) {
      const title = [...test.ancestorTitles, test.title].join(' › ')
      const route = routeOf(file.name, title)
      const entry = routes.get(route) ?? {
        route,
        tests: 0,
        passed: 0,
        failed: 0,
        properties: 0,
        runs: 0,
        files: new Set(),
      }
      entry.tests++
      if (test.status === 'passed') entry.passed++
      else if (test.status === 'failed') entry.failed++
      entry.files.add(basename(file.name))
      const line = test.location?.line
      if (line) {
        const next = starts.find((l) => l > line) ?? lines.length + 1
        const { properties, runs } = propertyRuns(lines, line, next)
        entry.properties += properties > 0 ? 1 : 0
        entry.runs += runs
      }
      routes.set(route, entry)
    }
  }
  return [...routes.values()].map((e) => ({ ...e, files: [...e.files].sort() }))
}

/**
 * Runs the suites (from `repo`) and counts; resolves `{ routes, total, passed, failed, seconds }`
 * or `{ error }` when they could not run to the end within `limitMs`.
 */
export async function hostileCases({ repo, limitMs, log }) {
  const dir = await mkdtemp(join(tmpdir(), 'wxauth-chaos-suites-'))
  const output = join(dir, 'vitest.json')
  const started = performance.now()
  try {
    const child = spawn(
      join(repo, 'node_modules', '.bin', 'vitest'),
      ['run', ...SUITES, '--reporter=json', `--outputFile=${output}`, '--includeTaskLocation'],
      { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] },
    )
    // Bounded by the timer below; and gone with this process if that ends first.
    const kill = () => child.kill('SIGKILL')
    process.once('exit', kill)
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-2000)
    })
    const timer = setTimeout(() => {
      log(`the suites took longer than ${limitMs / 1000} s: stopping them`)
      child.kill('SIGKILL')
    }, limitMs)
    const code = await new Promise((resolve) => child.once('exit', (c, s) => resolve(c ?? s)))
    clearTimeout(timer)
    process.off('exit', kill)
    let report
    try {
      report = JSON.parse(await readFile(output, 'utf8'))
    } catch {
      return { error: `vitest ended (${code}) without a report: ${stderr.trim().slice(-500)}` }
    }
    const routes = countByRoute(report)
    const failing = report.testResults.flatMap((file) =>
      file.assertionResults
        .filter((t) => t.status === 'failed')
        .map((t) => [basename(file.name), ...t.ancestorTitles, t.title].join(' › ')),
    )
    return {
      routes,
      failing,
      total: report.numTotalTests,
      passed: report.numPassedTests,
      failed: report.numFailedTests,
      seconds: (performance.now() - started) / 1000,
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
