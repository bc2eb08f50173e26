// CPU profile of a contender's server under the login load (node --cpu-prof), summarised: self
// time per function and per file, and total (inclusive) time of wxauth's own functions.
//
//   node bench/logins/profile.mjs [server] [seconds] [concurrency]   (wxauth-node, 8, 32)
//
// Writes the .cpuprofile (open it in Chrome DevTools › Performance) under bench/logins/profiles/.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { load, resetEmulator, start } from './harness.mjs'

/** Self and inclusive time per function of a .cpuprofile, in ms. */
export function summarise(profile) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const self = new Map()
  const dt = profile.timeDeltas
  profile.samples.forEach((id, i) => {
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0) / 1000)
  })
  const parent = new Map()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id)
  const label = (node) => {
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.replace(/^file:\/\//, '').replace(/^.*?\/(dist|node_modules)\//, '$1/')
    return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim()
  }
  const selfBy = new Map()
  const fileBy = new Map()
  const totalBy = new Map()
  let total = 0
  for (const [id, ms] of self) {
    total += ms
    const node = byId.get(id)
    const name = label(node)
    selfBy.set(name, (selfBy.get(name) ?? 0) + ms)
    const file =
      node.callFrame.url.replace(/^.*?\/(dist|node_modules)\//, '$1/') ||
      node.callFrame.functionName
    fileBy.set(file, (fileBy.get(file) ?? 0) + ms)
    // Inclusive: each distinct function on the stack once.
    const seen = new Set()
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const l = label(byId.get(at))
      if (seen.has(l)) continue
      seen.add(l)
      totalBy.set(l, (totalBy.get(l) ?? 0) + ms)
    }
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, ms, share: ms / total }))
  return { total, self: top(selfBy, 30), files: top(fileBy, 20), inclusive: top(totalBy, 60) }
}

/** Runs `server` under --cpu-prof for `seconds` of load; resolves the summary and the profile path. */
export async function profileServer({
  server = 'wxauth-node',
  seconds = 8,
  concurrency = 32,
} = {}) {
  const dir = fileURLToPath(new URL('profiles/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const before = new Set(readdirSync(dir))
  const emulator = await start('emulator.mjs')
  let contender
  let result
  try {
    contender = await start(`servers/${server}.mjs`, {
      env: { EMULATOR_URL: emulator.info.ready },
      execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    })
    await resetEmulator(emulator.info.ready)
    result = await load({
      target: { origin: contender.info.ready, ...contender.info, expect: [emulator.info.openid] },
      concurrency,
      durationMs: seconds * 1000,
    })
  } finally {
    await contender?.stop()
    await emulator.stop()
  }
  const file = readdirSync(dir).find((name) => !before.has(name) && name.endsWith('.cpuprofile'))
  if (!file) throw new Error('no .cpuprofile was written')
  const summary = summarise(JSON.parse(readFileSync(`${dir}${file}`, 'utf8')))
  return { result, summary, path: `${dir}${file}` }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [server = 'wxauth-node', seconds = '8', concurrency = '32'] = process.argv.slice(2)
  const { result, summary, path } = await profileServer({
    server,
    seconds: Number(seconds),
    concurrency: Number(concurrency),
  })
  const ms = (x) => x.toFixed(0).padStart(7)
  const pct = (x) => `${(x * 100).toFixed(1)}%`.padStart(6)
  console.log(`${server}: ${result.logins} logins, ${result.errors} errors; profile ${path}`)
  console.log(
    `sampled ${summary.total.toFixed(0)} ms (${(summary.total / result.logins).toFixed(3)} ms per login)\n`,
  )
  console.log('self time by file')
  for (const row of summary.files) console.log(`${ms(row.ms)} ${pct(row.share)}  ${row.name}`)
  console.log('\nself time by function')
  for (const row of summary.self) console.log(`${ms(row.ms)} ${pct(row.share)}  ${row.name}`)
  console.log('\ntotal (inclusive) time by function')
  for (const row of summary.inclusive) console.log(`${ms(row.ms)} ${pct(row.share)}  ${row.name}`)
}
