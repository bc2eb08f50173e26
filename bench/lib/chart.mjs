// One hand-written SVG bar chart per scenario: a horizontal bar per contender at its median, a
// whisker over its min–max, the median written beside it, and a dashed target line when there is one.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { fmt } from './stats.mjs'

const PLOT = 520
const RIGHT = 110
const ROW = 36
const TOP = 96
const BOTTOM = 46

const xml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function colour(name) {
  if (/^wxauth/i.test(name)) return '#07a35a'
  if (/^raw/i.test(name)) return '#7d8590'
  return '#3f73c9'
}

/** Ticks at 1, 2 or 5 × a power of ten, about `count` of them, from 0 to past `max`. */
function ticks(max, count = 5) {
  if (!(max > 0)) return [0, 1]
  const rough = max / count
  const power = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? rough
  const out = []
  for (let v = 0; v <= max + step * 0.001; v += step) out.push(v)
  if (out.at(-1) < max) out.push(out.at(-1) + step)
  return out
}

/** The SVG text of one result's chart. */
export function barChart(result) {
  const contenders = result.contenders.filter((c) => Number.isFinite(c.median))
  const targets = [result.target ?? []].flat().filter((t) => Number.isFinite(t?.line?.value))
  const top = Math.max(
    ...contenders.map((c) => Math.max(c.median, c.spread?.max ?? 0)),
    ...targets.map((t) => t.line.value),
    0,
  )
  const axis = ticks(top * 1.05)
  const scaleMax = axis.at(-1) || 1
  const step = axis[1] - axis[0]
  const tickDigits = step >= 1 || !(step > 0) ? 0 : Math.min(3, Math.ceil(-Math.log10(step)))
  // Room on the left for the longest name (about 7.5 px a character at 13 px).
  const LABEL = Math.min(
    460,
    Math.max(140, Math.ceil(Math.max(0, ...contenders.map((c) => c.name.length)) * 7.5) + 24),
  )
  const WIDTH = LABEL + PLOT + RIGHT
  const plot = PLOT
  const x = (v) => LABEL + (Math.max(0, v) / scaleMax) * plot
  const height = TOP + Math.max(1, contenders.length) * ROW + BOTTOM
  const better = result.better === 'lower' ? 'lower is better' : 'higher is better'
  const runs = Math.max(0, ...contenders.map((c) => c.runs?.length ?? 0))
  const out = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="600" fill="#1f2328">${xml(result.title)}</text>`,
    `<text x="16" y="47" fill="#57606a">${xml(`${result.unit}, ${better}. Bar: median of ${runs} run${runs === 1 ? '' : 's'}; whisker: min–max.`)}</text>`,
  )
  const plotBottom = TOP + contenders.length * ROW
  for (const v of axis) {
    const px = x(v).toFixed(1)
    out.push(
      `<line x1="${px}" y1="${TOP - 8}" x2="${px}" y2="${plotBottom}" stroke="#d8dee4" stroke-width="1"/>`,
      `<text x="${px}" y="${plotBottom + 18}" text-anchor="middle" fill="#57606a" font-size="11">${xml(fmt(v, tickDigits))}</text>`,
    )
  }
  out.push(
    `<text x="${LABEL + plot / 2}" y="${plotBottom + 36}" text-anchor="middle" fill="#57606a" font-size="11">${xml(result.unit)}</text>`,
  )
  contenders.forEach((c, i) => {
    const y = TOP + i * ROW
    const mid = y + ROW / 2 - 4
    const barEnd = x(c.median)
    out.push(
      `<text x="${LABEL - 10}" y="${mid + 4}" text-anchor="end" fill="#1f2328">${xml(c.name)}</text>`,
      `<rect x="${LABEL}" y="${y + 4}" width="${Math.max(1, barEnd - LABEL).toFixed(1)}" height="${ROW - 16}" rx="2" fill="${colour(c.name)}"/>`,
    )
    let textX = barEnd
    if (Number.isFinite(c.spread?.min) && Number.isFinite(c.spread?.max)) {
      const lo = x(c.spread.min).toFixed(1)
      const hi = x(c.spread.max).toFixed(1)
      out.push(
        `<line x1="${lo}" y1="${mid}" x2="${hi}" y2="${mid}" stroke="#1f2328" stroke-width="1.5"/>`,
        `<line x1="${lo}" y1="${mid - 6}" x2="${lo}" y2="${mid + 6}" stroke="#1f2328" stroke-width="1.5"/>`,
        `<line x1="${hi}" y1="${mid - 6}" x2="${hi}" y2="${mid + 6}" stroke="#1f2328" stroke-width="1.5"/>`,
      )
      textX = Math.max(textX, x(c.spread.max))
    }
    out.push(
      `<text x="${(textX + 8).toFixed(1)}" y="${mid + 4}" fill="#1f2328" font-weight="600">${xml(fmt(c.median))}</text>`,
    )
  })
  for (const t of targets) {
    const px = x(t.line.value).toFixed(1)
    const colourOf = t.met ? '#1a7f37' : '#cf222e'
    out.push(
      `<line x1="${px}" y1="${TOP - 14}" x2="${px}" y2="${plotBottom}" stroke="${colourOf}" stroke-width="2" stroke-dasharray="6 4"/>`,
      `<text x="${px}" y="${TOP - 18}" text-anchor="middle" fill="${colourOf}" font-size="12" font-weight="600">${xml(`${t.line.label ?? 'target'} ${t.met ? '(met)' : '(missed)'}`)}</text>`,
    )
  }
  if (contenders.length === 0) {
    out.push(`<text x="${LABEL}" y="${TOP + 20}" fill="#cf222e">no data</text>`)
  }
  out.push('</svg>')
  return `${out.join('\n')}\n`
}

/** Writes `barChart(result)` to `file`. */
export async function writeChart(result, file) {
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, barChart(result))
  return file
}
