// Start-up: how long `import()` of wxauth and of each peer takes in a fresh Node process, and how
// long `wxauth dev --port 0 --emulator-port 0` takes to print its app URL.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { median } from '../lib/stats.mjs'

const bench = fileURLToPath(new URL('..', import.meta.url))
const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url))
const TARGET_MS = 50

const MODULES = [
  ['wxauth', 'wxauth'],
  ['wxauth/node (adapter)', 'wxauth/node'],
  ['wechat-oauth', 'wechat-oauth'],
  ['passport + passport-wechat', ['passport', 'passport-wechat']],
  ['express-session', 'express-session'],
  ['@auth/express + WeChat provider', ['@auth/express', '@auth/core/providers/wechat']],
]

/** Runs node with `args` in bench/ and resolves its stdout and the process's wall time in ms. */
function node(args, { timeout = 20_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, args, { cwd: bench, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => {
      out += d
    })
    child.stderr.on('data', (d) => {
      err += d
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const wall = performance.now() - t0
      if (code === 0) resolve({ out, wall })
      else reject(new Error(`node ${args.join(' ')} exited ${code}: ${err.slice(0, 500)}`))
    })
  })
}

async function importTime(specs) {
  const list = JSON.stringify([specs].flat())
  const script = `const t0 = performance.now(); for (const s of ${list}) await import(s); process.stdout.write(String(performance.now() - t0))`
  const { out, wall } = await node(['--input-type=module', '-e', script])
  return { ms: Number(out), wall }
}

/** Starts `wxauth dev` and resolves the ms until its app URL is printed; then stops it. */
function devTime() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(process.execPath, [bin, 'dev', '--port', '0', '--emulator-port', '0'], {
      cwd: bench,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    })
    let out = ''
    let settled = false
    const finish = (error, value) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGTERM')
      const force = setTimeout(() => child.kill('SIGKILL'), 3_000)
      child.once('close', () => {
        clearTimeout(force)
        if (error) reject(error)
        else resolve(value)
      })
    }
    const timer = setTimeout(
      () => finish(new Error(`wxauth dev printed no URL in 20 s: ${out}`)),
      20_000,
    )
    child.stdout.on('data', (d) => {
      out += d
      if (/App\s+http:\/\/\S+:\d+/.test(out)) finish(undefined, performance.now() - t0)
    })
    child.on('error', (error) => finish(error))
    child.on('exit', (code) => {
      if (!settled) finish(new Error(`wxauth dev exited ${code} before printing its URL: ${out}`))
    })
  })
}

export async function run({ log, budgetMs = 60_000 }) {
  const runs = budgetMs < 30_000 ? 5 : 9
  const modules = [...MODULES]
  // Node's own start-up, for scale.
  const empty = []
  for (let i = 0; i < runs; i++) empty.push((await node(['-e', '0'])).wall)
  const contenders = []
  const failures = []
  for (let i = 0; i < runs + 1; i++) {
    for (const [name, specs] of modules) {
      let entry = contenders.find((c) => c.name === name)
      if (!entry) {
        entry = { name, runs: [], walls: [] }
        contenders.push(entry)
      }
      try {
        const { ms, wall } = await importTime(specs)
        // The first round warms the file-system cache; it is not counted.
        if (i > 0) {
          entry.runs.push(ms)
          entry.walls.push(wall)
        }
      } catch (error) {
        if (!failures.some((f) => f.name === name)) failures.push({ name, error: error.message })
      }
    }
  }
  const imports = contenders
    .filter((c) => c.runs.length > 0)
    .map(({ name, runs: r, walls }) => ({
      name,
      runs: r,
      extra: { 'whole process ms (node start-up included)': median(walls) },
    }))
  const wx = imports.find((c) => c.name === 'wxauth')
  const wxMs = wx ? median(wx.runs) : Number.NaN
  log(`import('wxauth') ${wxMs.toFixed(1)} ms`)
  const peers = imports.filter((c) => !c.name.startsWith('wxauth'))
  const importResult = {
    scenario: 'startup-import',
    title: 'Start-up: import time in a fresh process',
    unit: 'ms',
    better: 'lower',
    description: `\`await import()\` of each module, timed inside a fresh \`node --input-type=module -e\` process started in bench/ (so each resolves from bench/node_modules; wxauth is \`file:..\`, its built dist/). ${runs} runs after one uncounted warm-up run; Node's own start-up (\`node -e 0\`, median ${median(empty).toFixed(0)} ms) is not included in the median, only in the last column.`,
    contenders: imports,
    ratios: peers.map((p) => ({ label: `${p.name} / wxauth`, value: median(p.runs) / wxMs })),
    target: {
      text: `import of wxauth under ${TARGET_MS} ms`,
      met: wxMs < TARGET_MS,
      detail: `${wxMs.toFixed(1)} ms${wxMs < TARGET_MS ? '' : `, ${(wxMs - TARGET_MS).toFixed(1)} ms over`}.`,
      line: { value: TARGET_MS, label: `${TARGET_MS} ms` },
    },
    notes: failures.map((f) => `${f.name} could not be imported: ${f.error}`),
  }
  importResult.notes.push(
    'wxauth no longer loads jose (sealing is its own JWE framing over node:crypto, commit bac0b96), which took ≈ 30 ms of the import on its own; undici is loaded on the first WeChat call, not at import.',
  )

  const dev = []
  for (let i = 0; i < runs; i++) dev.push(await devTime())
  log(`wxauth dev printed its URL in ${median(dev).toFixed(0)} ms`)
  const devResult = {
    scenario: 'startup-dev',
    title: 'Start-up: `wxauth dev` until it prints its URL',
    unit: 'ms',
    better: 'lower',
    description: `\`node dist/cli/bin.js dev --port 0 --emulator-port 0\`, from spawn until the app URL is on its stdout (emulator and example app listening); ${runs} runs.`,
    contenders: [
      { name: 'wxauth dev', runs: dev },
      { name: 'node -e 0 (Node start-up alone)', runs: empty },
    ],
    ratios: [],
    notes: [],
  }
  return [importResult, devResult]
}
