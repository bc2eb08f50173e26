/**
 * The scanner of the leak check: finds a canary in text, values, errors and HTTP responses, and
 * records where it was found (test file, test, kind of artefact), never what. Pure: the global
 * capture (`./capture.ts`) holds one per test worker; tests of the check make their own.
 */
import { inspect } from 'node:util'

/** Which test is running: the file and the test's full name ('' outside a test). */
export interface Where {
  file: string
  test: string
}

/** A canary seen where no secret may be. */
export interface Finding extends Where {
  /** The kind of artefact: `console.log`, `stderr`, `app response`, `error`, `flow log event`… */
  kind: string
  /** Which one: a URL, the assertion, the child process. Never contains the canary. */
  detail: string
  /** How the canary was written: `plain`, or encoded (`base64`, `base64url`, `hex`). */
  form: string
  /** What surrounds it, with every secret-looking run of characters masked. */
  excerpt: string
}

/** A response as the browser saw it. */
export interface ResponseSnapshot {
  url: string
  status: number
  statusText?: string
  headers: Iterable<[string, string]>
  body: string
}

/**
 * Who answered, which says what may carry a credential by design:
 * - `app`: nothing. The application's responses (status, headers, cookies, redirects, bodies) go
 *   to the browser, its history, proxies and logs.
 * - `emulator`: WeChat's API answers (`/sns/…`, `/cgi-bin/…`) carry tokens and session keys, and
 *   the scripting API's `codes`, `js-code` and `component-token` hand out credentials: they go to
 *   the client (or the test) that asked. WeChat's redirect to the app's callback carries the
 *   `code`, in `Location` and in the QR page's polling answer (RFC 6749 §4.1.2). Anything else the
 *   emulator shows (pages, its state, its request log) must not carry one.
 */
export type Responder = 'app' | 'emulator'

/** The WeChat API answers and scripting calls whose whole point is to hand out a credential. */
const credentialAnswers = /^\/(?:sns|cgi-bin)\/|^\/__emulator\/(?:codes|js-code|component-token)$/
/** The QR page's polling answer: `{status, redirect}`, the redirect carrying the code. */
const qrStatus = /^\/__emulator\/qr\/[^/]+\/status$/

/** A `code` parameter in a URL: the one credential a redirect to the callback carries. */
const codeParam = /([?&]code=)[^&#"'\s\\]*/g

/** The canary and its encodings that a scan looks for. */
export function canaryForms(canary: string): { form: string; text: string }[] {
  const forms = [{ form: 'plain', text: canary }]
  const bytes = Buffer.from(canary, 'utf8')
  // In base64 the canary's characters depend on where it starts modulo 3 bytes: keep, for each
  // alignment, only the characters that its bytes alone determine.
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString('base64')
    const from = Math.ceil((8 * shift) / 6)
    const to = Math.floor((8 * (shift + bytes.length)) / 6)
    const text = encoded.slice(from, to)
    forms.push({ form: 'base64', text })
    const url = text.replaceAll('+', '-').replaceAll('/', '_')
    if (url !== text) forms.push({ form: 'base64url', text: url })
  }
  forms.push({ form: 'hex', text: bytes.toString('hex') })
  return forms
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://x').pathname
  } catch {
    return ''
  }
}

/** The URL without its query and fragment (a callback URL's query carries the code). */
export function withoutQuery(url: string): string {
  return url.replace(/[?#].*$/s, '')
}

const inspectOptions = {
  depth: 12,
  showHidden: true,
  maxArrayLength: 1_000,
  maxStringLength: Number.POSITIVE_INFINITY,
  breakLength: Number.POSITIVE_INFINITY,
}

function tryString(make: () => unknown): string {
  try {
    const text = make()
    return typeof text === 'string' ? text : ''
  } catch {
    return ''
  }
}

/** Everything an error shows: message, stack, `cause` chain, `toJSON()`, JSON and inspection. */
export function errorText(error: unknown): string {
  const parts = [tryString(() => inspect(error, inspectOptions))]
  let current: unknown = error
  for (let depth = 0; depth < 10 && current !== undefined && current !== null; depth++) {
    const e = current as { message?: unknown; stack?: unknown; toJSON?: unknown; cause?: unknown }
    parts.push(tryString(() => String(current)))
    if (typeof e.message === 'string') parts.push(e.message)
    if (typeof e.stack === 'string') parts.push(e.stack)
    if (typeof e.toJSON === 'function') {
      parts.push(tryString(() => JSON.stringify((e.toJSON as () => unknown).call(current))))
    }
    parts.push(tryString(() => JSON.stringify(current)))
    if (typeof current !== 'object') break
    current = e.cause
  }
  return parts.join('\n')
}

/** Everything a value shows: its JSON and its inspection. */
export function valueText(value: unknown): string {
  if (typeof value === 'string') return value
  return `${tryString(() => JSON.stringify(value))}\n${tryString(() => inspect(value, inspectOptions))}`
}

const keyOf = (f: Finding) => [f.file, f.test, f.kind, f.detail, f.form].join('\u0000')

/** Finds canaries and remembers where. */
export class LeakScanner {
  readonly forms: readonly { form: string; text: string }[]
  /** How many pieces of each kind were scanned: shows that a capture is live. */
  readonly seen = new Map<string, number>()
  readonly #where: () => Where
  readonly #findings = new Map<string, Finding>()

  constructor(
    readonly canary: string,
    where: () => Where = () => ({ file: '', test: '' }),
  ) {
    if (canary.length < 6) throw new RangeError('a canary needs at least 6 characters')
    this.forms = canaryForms(canary)
    this.#where = where
  }

  /** The longest form, minus one: how much of a stream to keep to catch a canary split in two. */
  get overlap(): number {
    return Math.max(...this.forms.map((f) => f.text.length)) - 1
  }

  /** Scans `text`; true when a canary was found. */
  scanText(kind: string, detail: string, text: string): boolean {
    this.seen.set(kind, (this.seen.get(kind) ?? 0) + 1)
    let found = false
    for (const { form, text: needle } of this.forms) {
      const at = text.indexOf(needle)
      if (at === -1) continue
      found = true
      const where = this.#where()
      const finding: Finding = {
        ...where,
        kind,
        detail: this.#clean(detail),
        form,
        excerpt: this.#excerpt(text, at, needle.length),
      }
      if (!this.#findings.has(keyOf(finding))) this.#findings.set(keyOf(finding), finding)
    }
    return found
  }

  /** Scans a value (a log event, a state object) as JSON and as `util.inspect` shows it. */
  scanValue(kind: string, detail: string, value: unknown): boolean {
    return this.scanText(kind, detail, valueText(value))
  }

  /** Scans a thrown value: message, stack, `cause` chain, `toJSON()`, JSON and inspection. */
  scanError(kind: string, detail: string, error: unknown): boolean {
    return this.scanText(kind, detail, errorText(error))
  }

  /** Scans a response: status line, every header (Set-Cookie, Location…) and the body. */
  scanResponse(kind: string, response: ResponseSnapshot, from: Responder): boolean {
    const path = pathOf(response.url)
    const detail = `${response.status} from ${withoutQuery(response.url)}`
    if (from === 'emulator' && credentialAnswers.test(path)) return false
    const lines = [`${response.status} ${response.statusText ?? ''}`]
    for (const [name, value] of response.headers) {
      const allowed = from === 'emulator' && name.toLowerCase() === 'location'
      lines.push(`${name}: ${allowed ? value.replace(codeParam, '$1[code]') : value}`)
    }
    const body =
      from === 'emulator' && qrStatus.test(path)
        ? response.body.replace(codeParam, '$1[code]')
        : response.body
    return this.scanText(kind, detail, `${lines.join('\n')}\n\n${body}`)
  }

  /** A function that scans a stream chunk by chunk, catching a canary split between chunks. */
  streamScanner(kind: string, detail: string): (chunk: string | Uint8Array) => void {
    let tail = ''
    return (chunk) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
      this.scanText(kind, detail, tail + text)
      tail = (tail + text).slice(-this.overlap)
    }
  }

  /** What was found so far. */
  get findings(): readonly Finding[] {
    return [...this.#findings.values()]
  }

  /** Records a finding again (one taken too early). */
  keep(finding: Finding): void {
    this.#findings.set(keyOf(finding), finding)
  }

  /** Returns what was found and forgets it. */
  take(): Finding[] {
    const all = this.findings as Finding[]
    this.#findings.clear()
    return all
  }

  #clean(text: string): string {
    let out = text.slice(0, 300)
    for (const { text: needle } of this.forms) out = out.replaceAll(needle, '[CANARY]')
    return out
  }

  /**
   * ±40 characters around the hit, every secret-looking run masked (16+ token characters, or 8+
   * with a digit: the canary's run always is), so that the report shows the place, not the secret.
   */
  #excerpt(text: string, at: number, length: number): string {
    // Around the whole run of token characters that holds the canary: the secret it is part of.
    const token = /[A-Za-z0-9_+/=%.~-]/
    let from = at
    let to = at + length
    while (from > 0 && token.test(text.charAt(from - 1))) from--
    while (to < text.length && token.test(text.charAt(to))) to++
    // ±40 characters more, widened so as not to cut a run (its end would go unmasked).
    let start = Math.max(0, from - 40)
    let end = Math.min(text.length, to + 40)
    while (start > 0 && token.test(text.charAt(start - 1))) start--
    while (end < text.length && token.test(text.charAt(end))) end++
    const masked = text
      .slice(start, end)
      .replace(/[A-Za-z0-9_+/=%.~-]{8,}/g, (run) =>
        run.length >= 16 || /[0-9]/.test(run) ? '[…]' : run,
      )
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
      .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    const excerpt = `${start > 0 ? '…' : ''}${masked}${end < text.length ? '…' : ''}`
    return this.forms.some((f) => excerpt.includes(f.text)) ? '(withheld)' : excerpt
  }
}

/** The failure message: where each canary was seen, never the canary or the secret. */
export function describeFindings(findings: readonly Finding[]): string {
  const lines = findings.map((f) => {
    const test = f.test === '' ? '(outside a test: a hook or module level)' : f.test
    return `  - ${f.file} › ${test}\n    ${f.kind} (${f.form}) in ${f.detail}\n    near: ${f.excerpt}`
  })
  return [
    `Leak check: the test canary (a marker in every test secret, code and token) appeared ${findings.length === 1 ? 'once' : `${findings.length} times`} where no secret may be:`,
    ...lines,
    'Each is a secret that left the client/app side in the clear. See test/setup/secrets.ts for what is captured and what may carry a secret by design.',
  ].join('\n')
}
