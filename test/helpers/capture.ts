/**
 * The leak check's capture in this test worker: one scanner per worker (vitest runs each test
 * file in a worker process), fed by the hooks `test/setup/secrets.ts` installs (console, stdout,
 * stderr, every error an assertion looks at) and by the test helpers (responses the browsers see,
 * log events, child processes' output, the emulators' request logs). `setup/secrets.ts` checks it
 * after every test and every file.
 */
import type { Emulator } from '../../src/emulator/index.js'
import { CANARY } from './canary.js'
import {
  type Finding,
  LeakScanner,
  type Responder,
  type ResponseSnapshot,
  type Where,
} from './leak-scanner.js'

interface CaptureState {
  readonly scanner: LeakScanner
  where: Where
  /** Scanners standing in for the worker's one while a test of the check runs (innermost last). */
  readonly diverted: LeakScanner[]
  /** Emulators to audit: those made during a test are audited once, at its end. */
  readonly emulators: Map<Emulator, 'file' | 'test'>
  /** Captures still reading (a browser's responses): awaited before a check. */
  readonly pending: Set<Promise<void>>
}

const KEY = Symbol.for('wxauth.test.leak-capture')

function state(): CaptureState {
  const global = globalThis as { [KEY]?: CaptureState }
  if (!global[KEY]) {
    const where: Where = { file: '', test: '' }
    const created: CaptureState = {
      where,
      scanner: new LeakScanner(CANARY, () => created.where),
      diverted: [],
      emulators: new Map(),
      pending: new Set(),
    }
    global[KEY] = created
  }
  return global[KEY]
}

/** The scanner captures go to: the worker's, or the innermost {@link divert}ed one. */
export function scanner(): LeakScanner {
  const s = state()
  return s.diverted.at(-1) ?? s.scanner
}

/** Sets which test is running (done by the setup file). */
export function setWhere(where: Where): void {
  state().where = where
}

/**
 * What the worker's scanner found since the last call (only during tests, with `inTests`),
 * forgotten once returned.
 */
export function takeFindings(inTests = false): Finding[] {
  const all = state().scanner.take()
  if (!inTests) return all
  for (const f of all.filter((f) => f.test === '')) state().scanner.keep(f)
  return all.filter((f) => f.test !== '')
}

/**
 * Runs `fn` with every capture going to `sandbox` instead of the worker's scanner: how the tests
 * of the check plant a leak without failing the run.
 */
export async function divert<T>(sandbox: LeakScanner, fn: () => T | Promise<T>): Promise<T> {
  const { diverted } = state()
  diverted.push(sandbox)
  try {
    return await fn()
  } finally {
    diverted.splice(diverted.lastIndexOf(sandbox), 1)
  }
}

/** Whether a test of the check diverted the capture (what it plants is then not printed). */
export function isDiverted(): boolean {
  return state().diverted.length > 0
}

/** Scans text that left the app side (a log line, a child's output). */
export function captureText(kind: string, detail: string, text: string): void {
  scanner().scanText(kind, detail, text)
}

/** Scans a value that left the app side (a log event). */
export function captureValue(kind: string, detail: string, value: unknown): void {
  scanner().scanValue(kind, detail, value)
}

/** Scans a thrown value: message, stack, cause chain, toJSON(), JSON and inspection. */
export function captureError(kind: string, detail: string, error: unknown): void {
  scanner().scanError(kind, detail, error)
}

/** A function that scans a stream (a child's stdout) chunk by chunk. */
export function captureStream(kind: string, detail: string): (chunk: string | Uint8Array) => void {
  // Resolved per chunk, so that a diverted capture gets the chunks written while diverted.
  const streams = new WeakMap<LeakScanner, (chunk: string | Uint8Array) => void>()
  return (chunk) => {
    const current = scanner()
    let scan = streams.get(current)
    if (!scan) {
      scan = current.streamScanner(kind, detail)
      streams.set(current, scan)
    }
    scan(chunk)
  }
}

/** Scans a response snapshot (see {@link Responder} for what may carry a credential). */
export function captureSnapshot(kind: string, snapshot: ResponseSnapshot, from: Responder): void {
  scanner().scanResponse(kind, snapshot, from)
}

/** Scans a Web response (read from a clone: the caller can still read it). */
export async function captureResponse(
  kind: string,
  url: string,
  response: Response,
  from: Responder,
): Promise<void> {
  let body = ''
  try {
    body = await response.clone().text()
  } catch {
    // A body already read or broken: the status line and headers are still scanned.
  }
  captureSnapshot(
    kind,
    {
      url,
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body,
    },
    from,
  )
}

/**
 * A `log` callback for a client or a flow: scans each event, then hands it to `next` (the test's
 * own), if any.
 */
export function captureLog<E>(kind: string, next?: (event: E) => void): (event: E) => void {
  return (event) => {
    captureValue(kind, 'log', event)
    // What the test's log returns goes back to the library: a promise it must look after.
    return next?.(event)
  }
}

/** Registers an emulator for the audit at the end of the test (or of the file, if made outside one). */
export function watchEmulator(emulator: Emulator): void {
  const s = state()
  s.emulators.set(emulator, s.where.test === '' ? 'file' : 'test')
}

/** Who answers `url`: a listening emulator made by the helpers, or else the app. */
export function responderOf(url: string): Responder {
  const { origin } = new URL(url)
  for (const emulator of state().emulators.keys()) {
    if (emulator.url !== undefined && new URL(emulator.url).origin === origin) return 'emulator'
  }
  return 'app'
}

async function text(emulator: Emulator, path: string): Promise<string> {
  try {
    return await (await emulator.handle(new Request(`http://127.0.0.1${path}`))).text()
  } catch {
    return ''
  }
}

/** Keeps a capture that is still reading, so that the next check waits for it. */
export function settleLater(capture: Promise<void>): void {
  const { pending } = state()
  pending.add(capture)
  void capture.finally(() => pending.delete(capture))
}

/**
 * Waits for the captures still reading, then audits the emulators: what they show anyone (the
 * request log, `/__emulator/requests` and `/__emulator/state`, the home page) must be redacted.
 * Those made during the test are then forgotten.
 */
export async function settleCaptures(): Promise<void> {
  const s = state()
  await Promise.all(s.pending)
  for (const [emulator, scope] of s.emulators) {
    const scan = scanner()
    scan.scanValue('emulator request log', 'emulator.requests', emulator.requests)
    for (const path of ['/__emulator/requests', '/__emulator/state', '/']) {
      scan.scanText('emulator page', `GET ${path}`, await text(emulator, path))
    }
    if (scope === 'test') s.emulators.delete(emulator)
  }
}
