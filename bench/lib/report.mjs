// Scenario results: their shape, checks, and RESULTS.md.
//
// A scenario module exports `async function run({ log, budgetMs }) → result | result[]` where
//   result = { scenario, title, unit, better?: 'higher' | 'lower', description?,
//     contenders: [{ name, runs: number[], median?, spread?, extra?: { [column]: number | string } }],
//     ratios?: [{ label, value } | string], notes?: string[],
//     target?: { text, met: boolean, detail, line?: { value, label } } (or an array of them),
//     tables?: [{ title, columns: string[], rows: (string | number)[][] }],
//     profile?: { title, totalMs, functions: [...], files: [...] } }
// median and spread are computed from runs when absent. An `extra` column whose name mentions RSS
// (e.g. 'peak RSS MiB') is also gathered into the memory summary.
import { fmt, fmtRatio, summarize } from './stats.mjs'

/** Fills in median and spread, checks the shape; throws with what is wrong. */
export function normalizeResult(result, source = 'scenario') {
  if (!result || typeof result !== 'object') throw new Error(`${source}: result must be an object`)
  for (const key of ['scenario', 'title', 'unit']) {
    if (typeof result[key] !== 'string' || result[key] === '') {
      throw new Error(`${source}: result.${key} must be a non-empty string`)
    }
  }
  if (!/^[A-Za-z0-9._-]+$/.test(result.scenario)) {
    throw new Error(`${source}: result.scenario must be a file-name-safe id`)
  }
  if (!Array.isArray(result.contenders))
    throw new Error(`${source}: result.contenders must be an array`)
  const contenders = result.contenders.map((c) => {
    const runs = Array.isArray(c.runs) ? c.runs.filter((v) => typeof v === 'number') : []
    const stats = summarize(runs)
    let spread = c.spread
    if (Array.isArray(spread)) spread = { min: spread[0], max: spread[1] }
    if (!spread || typeof spread !== 'object') {
      spread = { min: stats.min, max: stats.max, q1: stats.q1, q3: stats.q3 }
    }
    return {
      ...c,
      name: String(c.name),
      runs,
      median: typeof c.median === 'number' ? c.median : stats.median,
      spread,
    }
  })
  // Targets as { text, met, detail, line? }; `description` / `measured` are taken as aliases.
  const targets = [result.target ?? []].flat().map((t) => ({
    ...t,
    text: t.text ?? t.description ?? t.name ?? result.title,
    met: t.met === true,
    detail: t.detail ?? t.measured ?? '',
  }))
  return {
    better: 'higher',
    ratios: [],
    notes: [],
    ...result,
    target: targets.length === 0 ? undefined : targets.length === 1 ? targets[0] : targets,
    contenders,
  }
}

const cell = (value) =>
  String(value ?? '')
    .replaceAll('|', '\\|')
    .replaceAll('\n', ' ')

function table(columns, rows) {
  const head = `| ${columns.map(cell).join(' | ')} |`
  const rule = `|${columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`
  return [head, rule, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n')
}

function targetsOf(result) {
  return [result.target ?? []].flat().filter((t) => t && typeof t === 'object')
}

function spreadText(spread) {
  if (!spread) return 'n/a'
  if (typeof spread === 'string') return spread
  return `${fmt(spread.min)} – ${fmt(spread.max)}`
}

function iqrText(spread) {
  if (!spread || !Number.isFinite(spread.q1) || !Number.isFinite(spread.q3)) return 'n/a'
  return `${fmt(spread.q1)} – ${fmt(spread.q3)}`
}

function renderResult(result, chartPath) {
  const lines = [`### ${result.title}`, '', `Scenario \`${result.scenario}\`.`]
  if (result.description) lines.push('', result.description)
  if (chartPath) lines.push('', `![${result.title}](${chartPath})`)
  const extraColumns = [...new Set(result.contenders.flatMap((c) => Object.keys(c.extra ?? {})))]
  const runsCount = Math.max(0, ...result.contenders.map((c) => c.runs.length))
  lines.push(
    '',
    table(
      [
        'contender',
        `median (${result.unit})`,
        'spread (min – max)',
        'IQR',
        'runs',
        ...extraColumns,
      ],
      result.contenders.map((c) => [
        c.name,
        `**${fmt(c.median)}**`,
        spreadText(c.spread),
        iqrText(c.spread),
        c.runs.length || runsCount || 'n/a',
        ...extraColumns.map((k) => {
          const v = c.extra?.[k]
          return typeof v === 'number' ? fmt(v) : (v ?? '')
        }),
      ]),
    ),
  )
  if (result.ratios.length > 0) {
    lines.push('', 'Ratios (of medians):', '')
    for (const r of result.ratios) {
      lines.push(typeof r === 'string' ? `- ${r}` : `- ${r.label}: **${fmtRatio(r.value)}**`)
    }
  }
  for (const t of targetsOf(result)) {
    lines.push(
      '',
      `**Target: ${t.text}: ${t.met ? 'met ✅' : 'missed ❌'}.** ${t.detail ?? ''}`.trim(),
    )
  }
  for (const extra of result.tables ?? []) {
    lines.push('', `${extra.title}:`, '', table(extra.columns, extra.rows))
  }
  if (result.profile) {
    const p = result.profile
    lines.push('', `${p.title ?? 'CPU profile'} (${fmt(p.totalMs)} ms sampled; self time):`, '')
    lines.push(
      table(
        ['function', 'where', 'self %'],
        p.functions.map((f) => [f.name, f.where ? `\`${f.where}\`` : '', fmt(f.percent, 1)]),
      ),
    )
    if (p.files?.length) {
      lines.push(
        '',
        table(
          ['file (self time summed)', 'self %'],
          p.files.map((f) => [f.where, fmt(f.percent, 1)]),
        ),
      )
    }
  }
  if (result.notes.length > 0) {
    lines.push('')
    for (const note of result.notes) lines.push(`- ${note}`)
  }
  return lines.join('\n')
}

/**
 * RESULTS.md.
 * @param {{ machine: object, results: object[], failures: { module: string, error: string }[],
 *   skipped: { module: string, reason: string }[], command: string, durationMs: number,
 *   charts: Map<object, string>, extraSections?: string[] }} input
 */
export function renderMarkdown({
  machine,
  results,
  failures,
  skipped,
  command,
  durationMs,
  charts,
}) {
  const out = [
    '# wxauth benchmarks',
    '',
    'Generated by `bench/run.mjs`; do not edit by hand. Every number is a median over several runs on',
    'the machine below, in one run of the command below; ratios are of medians measured in the same run.',
    '',
    '## Reproduce',
    '',
    '```sh',
    command,
    '```',
    '',
    '## Machine',
    '',
    table(
      ['', ''],
      [
        ['date', machine.date],
        ['cores', machine.cores],
        ['CPU', machine.cpuModel],
        ['memory', `${machine.memoryGiB} GiB`],
        ['Node.js', `${machine.node} (V8 ${machine.v8})`],
        ['OS', machine.platform],
        [
          'commit',
          machine.commit
            ? `${machine.commit}${machine.dirty ? ' (with uncommitted changes)' : ''}`
            : 'n/a',
        ],
        ['whole run', `${fmt(durationMs / 1000, 0)} s`],
        [
          'load average (1, 5, 15 min) as the scenarios started',
          `${machine.loadAverage?.join(', ') ?? 'n/a'} (the build just before counts too; other work on the machine skews throughput, CPU-per-operation columns much less)`,
        ],
      ],
    ),
  ]
  const targets = results.flatMap((r) => targetsOf(r).map((t) => ({ r, t })))
  out.push('', '## Targets', '')
  if (targets.length === 0) out.push('No scenario reported a target.')
  else {
    out.push(
      table(
        ['target', 'scenario', 'met', 'detail'],
        targets.map(({ r, t }) => [
          t.text,
          `[${r.scenario}](#${anchor(r.title)})`,
          t.met ? '✅ yes' : '❌ no',
          t.detail ?? '',
        ]),
      ),
    )
  }
  if (failures.length > 0 || skipped.length > 0) {
    out.push('', '## Scenarios that did not report', '')
    for (const f of failures) out.push(`- \`${f.module}\` failed: ${cell(f.error)}`)
    for (const s of skipped) out.push(`- \`${s.module}\` skipped: ${s.reason}`)
  }
  const rss = results.flatMap((r) =>
    r.contenders.flatMap((c) =>
      Object.entries(c.extra ?? {})
        .filter(([k]) => /rss/i.test(k))
        .map(([k, v]) => [r.scenario, c.name, k, typeof v === 'number' ? fmt(v) : v]),
    ),
  )
  out.push('', '## Results')
  for (const r of results) out.push('', renderResult(r, charts.get(r)))
  out.push('', '## Memory under load', '')
  if (rss.length > 0) {
    out.push(
      'RSS reported by the scenarios that put load on a server (from their `extra` columns):',
      '',
      table(['scenario', 'contender', 'measure', 'value'], rss),
    )
  } else {
    out.push(
      'No scenario in this run reported RSS under the login load (the full-login scenario reports it',
      "as an `extra` column whose name mentions RSS, e.g. `'peak RSS MiB'`).",
    )
  }
  return `${out.join('\n')}\n`
}

/** GitHub's heading anchor. */
function anchor(title) {
  return title
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-')
}
