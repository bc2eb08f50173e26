import type { HeaderReader } from '../http.js'
/** Page language: Chinese (the default) or English. */
export type PageLang = 'zh' | 'en'

interface Range {
  /** Lower-cased, without parameters, e.g. `text/html`, `application/*`, `zh-cn`. */
  value: string
  q: number
  /** Position in the header, to break ties the way the client listed them. */
  index: number
}

/** Splits an `Accept`-style header into its ranges with their q-values; malformed q-values drop a range. */
function parseRanges(header: string | null): Range[] {
  if (header === null) return []
  const out: Range[] = []
  header.split(',').forEach((part, index) => {
    const [head, ...params] = part.split(';')
    const value = head?.trim().toLowerCase() ?? ''
    if (value === '') return
    let q = 1
    for (const param of params) {
      const [name, arg] = param.split('=')
      if (name?.trim().toLowerCase() !== 'q') continue
      const text = arg?.trim() ?? ''
      q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(text) ? Number(text) : Number.NaN
    }
    if (!Number.isNaN(q)) out.push({ value, q, index })
  })
  return out
}

interface Match {
  q: number
  /** 3 for `type/subtype`, 2 for `type/*`, 1 for `*\/*`, 0 for no match. */
  specificity: number
  index: number
}

/** The most specific range of `ranges` that matches the media type `type/subtype` (RFC 9110 §12.5.1). */
function matchMedia(ranges: readonly Range[], mediaType: string): Match {
  const [type] = mediaType.split('/')
  let best: Match = { q: 0, specificity: 0, index: Number.POSITIVE_INFINITY }
  for (const r of ranges) {
    const specificity =
      r.value === mediaType ? 3 : r.value === `${type}/*` ? 2 : r.value === '*/*' ? 1 : 0
    if (specificity > best.specificity) best = { q: r.q, specificity, index: r.index }
  }
  return best
}

/**
 * Whether the client prefers `application/json` to `text/html`: a higher q-value, or the same
 * q-value on a more specific range, or (equally specific) listed first. A missing `Accept`, `*\/*`
 * alone and every browser's navigation header get HTML.
 */
export function wantsJson(request: { headers: HeaderReader }): boolean {
  const ranges = parseRanges(request.headers.get('accept'))
  const json = matchMedia(ranges, 'application/json')
  const page = matchMedia(ranges, 'text/html')
  if (json.q === 0) return false
  if (json.q !== page.q) return json.q > page.q
  if (json.specificity !== page.specificity) return json.specificity > page.specificity
  return json.index < page.index
}

/**
 * The page language from `Accept-Language`: the highest-q (then first-listed) language that is
 * Chinese (`zh`, `zh-CN`, `zh-TW`, …) or English (`en`, `en-US`, …). Anything else, `*`, or no
 * header at all: Chinese.
 */
export function pageLang(request: { headers: HeaderReader }): PageLang {
  const ranges = parseRanges(request.headers.get('accept-language'))
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const r of ranges) {
    const primary = r.value.split('-')[0]
    if (primary === 'zh') return 'zh'
    if (primary === 'en') return 'en'
  }
  return 'zh'
}
