/**
 * Hostile inputs for the security properties: query strings with every encoding mistake a client
 * or an attacker can make, Cookie headers a real server could receive, and single-character
 * tampering of real cookie values.
 */
import { parse } from 'cookie'
import fc from 'fast-check'

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** Strings of `[A-Za-z0-9]` of the given lengths: state-shaped or binding-shaped noise. */
export function base62(minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...BASE62), minLength, maxLength })
}

/** Raw query fragments that break decoders: bad escapes, NUL, `+` vs `%20`, separators. */
export const QUERY_PIECES = [
  '%00',
  '%zz',
  '%ZZ',
  '%E0%A4',
  '%E0%A4%A',
  '%C0%AF',
  '%ED%A0%80',
  '%F0%9F%98',
  '%',
  '%%',
  '%2',
  '+',
  '%20',
  '%2B',
  '%26',
  '%3D',
  '%23',
  '%0D%0A',
  '%0d%0aSet-Cookie:%20x=y',
  '%09',
  '%7F',
  '%FF',
  '&',
  '=',
  '==',
  '&&',
  '?',
  '#',
  ';',
  ',',
  '/',
  '\\',
  '..',
  '"',
  "'",
  '<script>',
  '\t',
  '\n',
  ' ',
  '\u0000',
  '\u0001',
  '\u007f',
  '\u00ff',
  '\u200b',
  '\u2028',
  '\ufeff',
  '中文',
  'ｓｔａｔｅ',
  '\u{1F600}',
  '\uD800',
  '\uDC00x',
]

/** Parameter names an attacker would try on the callback and login routes. */
export const PARAM_NAMES = [
  'code',
  'state',
  'error',
  'openid',
  'unionid',
  'access_token',
  'returnTo',
  'attempt',
  'appid',
  'redirect_uri',
  'scope',
  'lang',
  'CODE',
  'State',
  'state[]',
  'code ',
  ' state',
  'st%61te',
  'c%6Fde',
  '',
]

/** A value as it may appear raw in a query string (not necessarily valid percent-encoding). */
export const rawValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 2,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 16 })
      .map((s) => encodeURIComponent(s).replace(/%20/g, '+')),
  },
  {
    weight: 3,
    arbitrary: fc
      .array(fc.oneof(fc.constantFrom(...QUERY_PIECES), fc.string({ maxLength: 4 })), {
        maxLength: 8,
      })
      .map((parts) => parts.join('')),
  },
  { weight: 2, arbitrary: base62(1, 140) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('A', '%41', 'x', '%00', '中'), fc.integer({ min: 129, max: 12_000 }))
      .map(([unit, n]) => unit.repeat(n)),
  },
)

/** A parameter name, usually one the routes read. */
export const paramName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PARAM_NAMES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom(...QUERY_PIECES) },
)

/** `name=value` pairs joined raw with `&` (or `;`, or nothing between them). */
export const rawQuery: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(
        fc.tuple(
          paramName,
          fc.constantFrom('=', '=', '=', '', '==', '%3D'),
          rawValue,
          fc.constantFrom('&', '&', '&', '&&', ';', ''),
        ),
        { maxLength: 8 },
      )
      .map((pairs) => pairs.map(([n, eq, v, sep]) => `${n}${eq}${v}${sep}`).join('')),
  },
  { weight: 2, arbitrary: fc.webQueryParameters() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
)

/** One character a Cookie header can carry (Latin-1 without NUL, CR and LF: a server reads bytes). */
const headerChar = fc
  .integer({ min: 1, max: 255 })
  .filter((c) => c !== 10 && c !== 13)
  .map((c) => String.fromCharCode(c))

/** A Cookie header value made of any header-safe bytes. */
export const garbageHeader: fc.Arbitrary<string> = fc.string({ unit: headerChar, maxLength: 200 })

/** What `encodeURIComponent` of a UTF-8 string looks like once read back as Latin-1 bytes. */
function latin1(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1')
}

/**
 * Cookie headers: pure garbage, or `name=value` lists that use the flow's cookie names (and their
 * look-alikes) with random, binding-shaped, percent-encoded or oversized values, duplicated names,
 * odd separators. `names` are the flow's real names; `genuine` are real values of other people's
 * cookies that may be mixed in (never the binding of the login under attack).
 */
export function cookieHeader(
  names: { binding: string; session: string },
  genuine: string[] = [],
): fc.Arbitrary<string> {
  const name = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(names.binding, names.session) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        names.binding.toUpperCase(),
        ` ${names.binding}`,
        `${names.binding} `,
        `__Host-${names.binding}`,
        `__Secure-${names.session}`,
        names.session.replace('_', '-'),
        '__proto__',
        'constructor',
        '',
      ),
    },
    { weight: 1, arbitrary: fc.string({ unit: headerChar, maxLength: 10 }) },
  )
  const value = fc.oneof(
    { weight: 3, arbitrary: base62(43, 43) },
    { weight: 2, arbitrary: fc.string({ unit: headerChar, maxLength: 60 }) },
    { weight: 2, arbitrary: fc.string({ maxLength: 60 }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }).map((s) => latin1(s)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '""', '"x"', '%', '%E0%A4', '%00', '%zz', '=', 'a=b', '\\'),
    },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 9000 }).map((n) => 'A'.repeat(n)) },
    ...(genuine.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...genuine) }] : []),
  )
  const list = fc
    .tuple(
      fc.array(fc.tuple(name, fc.constantFrom('=', '=', '=', '', '=='), value), { maxLength: 6 }),
      fc.constantFrom('; ', ';', ' ; ', ', ', ';;'),
    )
    .map(([pairs, sep]) => pairs.map(([n, eq, v]) => `${n}${eq}${v}`).join(sep))
  return fc.oneof({ weight: 4, arbitrary: list }, { weight: 1, arbitrary: garbageHeader })
}

/** Characters for replacing or inserting into a cookie value: base64url, JWE dots, and a few more. */
const TAMPER_CHARS = `${BASE62}-_.=+/~!*'()$&:@ `

export type Tamper =
  | { kind: 'replace'; at: number; char: string }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; char: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'append'; text: string }
  | { kind: 'case'; at: number }
  | { kind: 'swap-segments'; a: number; b: number }
  | { kind: 'drop-segment'; at: number }
  | { kind: 'duplicate-segment'; at: number }

/** A single mutation of a cookie value; positions are fractions resolved against the value. */
export const tamper: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    char: fc.constantFrom(...TAMPER_CHARS),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    char: fc.constantFrom(...TAMPER_CHARS),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('append' as const),
    text: fc.oneof(fc.constantFrom('.', '..', '=', 'A', '.AAAA'), base62(1, 8)),
  }),
  fc.record({ kind: fc.constant('case' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-segments' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('drop-segment' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-segment' as const), at: fc.nat() }),
)

/** Applies a mutation to `value`. */
export function applyTamper(value: string, t: Tamper): string {
  const n = value.length
  const segments = value.split('.')
  switch (t.kind) {
    case 'replace': {
      const i = t.at % n
      return value.slice(0, i) + t.char + value.slice(i + 1)
    }
    case 'delete': {
      const i = t.at % n
      return value.slice(0, i) + value.slice(i + 1)
    }
    case 'insert': {
      const i = t.at % (n + 1)
      return value.slice(0, i) + t.char + value.slice(i)
    }
    case 'truncate':
      return value.slice(0, 1 + (t.at % Math.max(1, n - 1)))
    case 'append':
      return value + t.text
    case 'case': {
      const i = t.at % n
      const c = value.charAt(i)
      const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()
      return value.slice(0, i) + flipped + value.slice(i + 1)
    }
    case 'swap-segments': {
      const a = t.a % segments.length
      const b = t.b % segments.length
      const copy = [...segments]
      ;[copy[a], copy[b]] = [copy[b] ?? '', copy[a] ?? '']
      return copy.join('.')
    }
    case 'drop-segment':
      return segments.filter((_, i) => i !== t.at % segments.length).join('.')
    case 'duplicate-segment': {
      const i = t.at % segments.length
      return [...segments.slice(0, i + 1), ...segments.slice(i)].join('.')
    }
  }
}

/**
 * What a server's cookie parser reads for `name=value` (the flow uses the `cookie` package):
 * tampering that reads back as the original (e.g. surrounding quotes) is not tampering.
 */
export function readBack(name: string, value: string): string | undefined {
  return parse(`${name}=${value}`)[name]
}
