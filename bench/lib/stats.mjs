// Small statistics for benchmark runs: medians, quantiles, spread, ratios, formatting.

/** Sorted copy of finite numbers. */
function sorted(values) {
  return Array.from(values)
    .filter((v) => Number.isFinite(v))
    .sort((a, b) => a - b)
}

/** The q-quantile (0..1) with linear interpolation between order statistics; NaN when empty. */
export function quantile(values, q) {
  const s = values.sorted === true ? values : sorted(values)
  if (s.length === 0) return Number.NaN
  const pos = (s.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return s[lo] + (s[hi] - s[lo]) * (pos - lo)
}

export const median = (values) => quantile(values, 0.5)

/**
 * Median and spread of several runs: min–max and the interquartile range.
 * @returns {{ median: number, min: number, max: number, q1: number, q3: number, n: number }}
 */
export function summarize(runs) {
  const s = sorted(runs)
  return {
    median: quantile(s, 0.5),
    min: s[0] ?? Number.NaN,
    max: s.at(-1) ?? Number.NaN,
    q1: quantile(s, 0.25),
    q3: quantile(s, 0.75),
    n: s.length,
  }
}

/** p50, p90 and p99 of a latency sample (a typed array is fine), in its own unit. */
export function percentiles(sample) {
  const s = Float64Array.from(sample).sort()
  const at = (q) => {
    if (s.length === 0) return Number.NaN
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]
  }
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: s.length ? s[s.length - 1] : Number.NaN }
}

/** a / b, NaN when b is not a positive number. */
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN
}

/** A number with a sensible number of digits for a table: 12,345 · 123 · 12.3 · 1.23 · 0.123. */
export function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a'
  if (typeof value !== 'number') return String(value)
  const abs = Math.abs(value)
  const d = digits ?? (abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3)
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
}

/** "1.23×" */
export const fmtRatio = (value) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a')

/** Runs `fn` `times` times in sequence and returns its results. */
export async function repeat(times, fn) {
  const out = []
  for (let i = 0; i < times; i++) out.push(await fn(i))
  return out
}
