// Memory: heap bytes per pending transaction and per session in wxauth's memory store at 100,000,
// measured in child processes with --expose-gc (bench/lib/memory-child.mjs), beside what
// passport-wechat keeps per session in express-session's default MemoryStore. RSS under the login
// load is the full-login scenario's (an `extra` column with RSS in its name; see "Memory under load").
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { median } from '../lib/stats.mjs'

const child = fileURLToPath(new URL('../lib/memory-child.mjs', import.meta.url))
const bench = fileURLToPath(new URL('..', import.meta.url))
const COUNT = 100_000
const TARGET = 1024

function measure(mode) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--max-old-space-size=4096', child, mode, String(COUNT)],
      { cwd: bench, timeout: 120_000, maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${mode}: ${error.message} ${stderr.slice(0, 500)}`))
        else resolve(JSON.parse(stdout.trim().split('\n').at(-1)))
      },
    )
  })
}

const chars = (sizes) => Object.values(sizes ?? {}).reduce((sum, s) => sum + s.chars / s.count, 0)
const describe = (sizes) =>
  Object.entries(sizes ?? {})
    .map(([prefix, s]) => `\`${prefix}:…\` ${Math.round(s.chars / s.count)}`)
    .join(', ')

export async function run({ log, budgetMs = 90_000 }) {
  const runs = budgetMs < 45_000 ? 2 : 3
  const modes = {
    transactions: 'wxauth: pending transaction',
    sessions: 'wxauth: session (revocable, with stored tokens)',
    'express-session': 'express-session MemoryStore: session (passport-wechat)',
  }
  const samples = Object.fromEntries(Object.keys(modes).map((m) => [m, []]))
  for (let i = 0; i < runs; i++) {
    for (const mode of Object.keys(modes)) {
      const out = await measure(mode)
      samples[mode].push(out)
      log(`${mode}: ${Math.round(out.bytesPerItem)} bytes each`)
    }
  }
  const contenders = Object.entries(modes).map(([mode, name]) => {
    const s = samples[mode]
    const extra = {
      'store entries each': s[0].entries ? s[0].entries / COUNT : 1,
      'key + value characters each': s[0].sizes ? chars(s[0].sizes) : 'n/a',
      'child resident MiB (end)': median(s.map((x) => x.rss)) / 2 ** 20,
    }
    return { name, runs: s.map((x) => x.bytesPerItem), extra }
  })
  const tx = contenders[0]
  const txBytes = median(tx.runs)
  const met = txBytes <= TARGET
  const sess = samples.sessions[0]
  return {
    scenario: 'memory',
    title: 'Memory store: heap bytes per entry at 100,000',
    unit: 'bytes of heap each',
    better: 'lower',
    description: `Heap growth (\`heapUsed\` after \`gc()\` twice, before and after) divided by ${COUNT.toLocaleString('en-US')}, in a fresh \`node --expose-gc\` process per measurement; ${runs} runs.`,
    contenders,
    ratios: [
      {
        label: 'wxauth session / express-session session',
        value: median(contenders[1].runs) / median(contenders[2].runs),
      },
    ],
    target: {
      text: `memory store: ≤ 1 KiB per pending transaction at ${COUNT.toLocaleString('en-US')}`,
      met,
      detail: `${Math.round(txBytes)} bytes${met ? ` (${Math.round(TARGET - txBytes)} to spare)` : `, ${Math.round(txBytes - TARGET)} over`}.`,
      line: { value: TARGET, label: '1 KiB per transaction' },
    },
    notes: [
      `A pending transaction is what \`GET /auth/wechat/login\` writes for a new browser, through createWxAuth itself (${COUNT.toLocaleString('en-US')} logins inside WeChat, each a new browser): the transaction record and the browser's pending-logins list, ${describe(samples.transactions[0].sizes)} characters (key + value). The rest is the store's own cost per entry (Map slot, entry object, string headers).`,
      `A session is what stays per logged-in user once a login's short-lived records have expired, with \`session: { revocable: true }\`: ${describe(sess.sizes)} characters. It was recorded from 300 real logins through createWxAuth (callback included, WeChat answered by a fake fetch with realistic ids and tokens), then reproduced ${COUNT.toLocaleString('en-US')} times with every character of every key and value replaced by a random one of its class, into an empty memory store. Without \`revocable\` the \`session:\` record is not written (the session lives only in its cookie).`,
      `For a while after each login there are also: the replay record (1 minute), the code marker (5 minutes) and the pending list (10 minutes): ${describe(sess.transientSizes)} characters. The replay record, a sealed copy of the login's outcome, is the largest record wxauth writes.`,
      "express-session's MemoryStore keeps `JSON.stringify(session)` per session id, with passport's serialized user (the WeChat profile, as passport-wechat's README serializes it); it never evicts and is documented as not for production. Peers keep no server-side transaction: wechat-oauth has none, passport-wechat sends a fixed `state` from its options and never checks it, Auth.js keeps `state` in a cookie.",
      'RSS under the login load is reported by the full-login scenario (see “Memory under load” at the end).',
    ],
  }
}
