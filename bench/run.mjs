// The one command: runs every scenario in bench/scenarios/*.mjs in turn within an overall time
// budget, then writes bench/RESULTS.md and one SVG chart per result in bench/results/.
// From the repository root: npm run bench (builds, installs bench/, then runs this).
// `node bench/run.mjs client-calls startup` runs only the scenarios whose file name contains one of
// the words, and then writes bench/results/raw/partial.md instead of RESULTS.md.
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { writeChart } from './lib/chart.mjs'
import { machineInfo } from './lib/machine.mjs'
import { normalizeResult, renderMarkdown } from './lib/report.mjs'

const bench = fileURLToPath(new URL('.', import.meta.url))
const scenariosDir = join(bench, 'scenarios')
const resultsDir = join(bench, 'results')
const rawDir = join(resultsDir, 'raw')

// `npm run bench` must finish in 10 minutes; build and install take up to about a minute of it.
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 8.5 * 60_000)
const started = performance.now()
const remaining = () => BUDGET_MS - (performance.now() - started)

const filters = process.argv.slice(2)
const files = (await readdir(scenariosDir).catch(() => []))
  .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort()

const machine = machineInfo()
console.error(
  `bench: ${files.length} scenario module(s), budget ${Math.round(BUDGET_MS / 1000)} s, ${machine.cores} cores, Node ${machine.node}`,
)

const results = []
const failures = []
const skipped = []

for (const [index, file] of files.entries()) {
  const left = remaining()
  const share = left / (files.length - index)
  if (left < 5_000) {
    skipped.push({ module: file, reason: 'the overall time budget was used up before it' })
    continue
  }
  const name = basename(file, '.mjs')
  const log = (...args) => console.error(`[${name}]`, ...args)
  const t0 = performance.now()
  log(`starting (fair share ${Math.round(share / 1000)} s, ${Math.round(left / 1000)} s left)`)
  let timer
  try {
    const mod = await import(pathToFileURL(join(scenariosDir, file)).href)
    if (typeof mod.run !== 'function') throw new Error('exports no run() function')
    const hardLimit = new Promise((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`stopped after ${Math.round(left / 1000)} s: over the run's time budget`),
          ),
        left,
      )
    })
    const out = await Promise.race([
      mod.run({ log, budgetMs: share, deadline: Date.now() + left }),
      hardLimit,
    ])
    const list = [out ?? []].flat()
    for (const result of list) results.push(normalizeResult(result, file))
    log(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${list.length} result(s)`)
  } catch (error) {
    log('failed:', error?.stack ?? error)
    failures.push({ module: file, error: String(error?.message ?? error) })
  } finally {
    clearTimeout(timer)
  }
}

await mkdir(rawDir, { recursive: true })
const charts = new Map()
for (const result of results) {
  const svg = join(resultsDir, `${result.scenario}.svg`)
  await writeChart(result, svg)
  charts.set(result, relative(bench, svg).split('\\').join('/'))
  await writeFile(join(rawDir, `${result.scenario}.json`), `${JSON.stringify(result, null, 2)}\n`)
}
const durationMs = performance.now() - started
const markdown = renderMarkdown({
  machine,
  results,
  failures,
  skipped,
  command:
    '# from the repository root: builds wxauth, installs bench/ (peers from npm), runs every scenario\nnpm run bench\n# the same, by hand\nnpm run build && npm --prefix bench install --no-audit --no-fund && node bench/run.mjs',
  durationMs,
  charts,
})
if (filters.length === 0) {
  // Charts of results that this run did not produce are stale.
  const wanted = new Set(results.map((r) => `${r.scenario}.svg`))
  for (const f of await readdir(resultsDir)) {
    if (f.endsWith('.svg') && !wanted.has(f)) await rm(join(resultsDir, f))
  }
  await writeFile(join(bench, 'RESULTS.md'), markdown)
  console.error(
    `bench: wrote bench/RESULTS.md and ${results.length} chart(s) in ${Math.round(durationMs / 1000)} s`,
  )
} else {
  await writeFile(join(rawDir, 'partial.md'), markdown)
  console.error(
    `bench: partial run; wrote bench/results/raw/partial.md in ${Math.round(durationMs / 1000)} s`,
  )
}
// Scenarios close what they start; this is for a handle one of them leaked.
process.exit(failures.length > 0 && results.length === 0 ? 1 : 0)
