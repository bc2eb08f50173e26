/**
 * The leak check (issue 7, item 4; LOG-01, TST-06), set up in every test worker by vitest's
 * `setupFiles`. Every secret the tests use carries the test canary (`test/helpers/canary.ts`): the
 * emulators' codes, tokens, session_keys and app secrets, and the tests' own made-up ones. This
 * file captures what leaves the client/app side and fails the test (or the file) in which a canary
 * shows up in it, saying where and in what, never printing the secret.
 *
 * Captured and scanned (nothing in them may carry a secret):
 * - console output, and every write to `process.stdout` and `process.stderr` of the worker;
 * - every error an assertion looks at (`expect(error)…`, `.rejects…`, `toThrow`): message, stack,
 *   `cause` chain, `toJSON()`, JSON and `util.inspect`;
 * - through the helpers: every response of the app (`auth.handle`, the test browsers, the adapter
 *   logins, Chromium in the e2e tests) with its status line, headers (`Set-Cookie`, `Location`)
 *   and body; the client's and the flow's `log` events; the emulators' request log, state and
 *   home page; what the CLI and the example apps print.
 *
 * Allowed to carry a secret, by design, and so not scanned: requests to WeChat (the query carries
 * `secret`, `code` and tokens: WeChat's API wants them there), WeChat's answers to the client (the
 * tokens are what the client asked for), the `code` in WeChat's redirect to the app's callback
 * (RFC 6749 §4.1.2), values the library hands to the application in-process (`getAccessToken`,
 * the client's results) and the test's own variables. Sealed cookies and stored sessions hold
 * tokens encrypted: a scan finds plaintext (and its base64 or hex) only, which is the point.
 */
import { formatWithOptions } from 'node:util'
import { afterAll, afterEach, beforeEach, chai, expect } from 'vitest'
import {
  captureError,
  captureStream,
  captureText,
  isDiverted,
  settleCaptures,
  setWhere,
  takeFindings,
} from '../helpers/capture.js'
import { describeFindings } from '../helpers/leak-scanner.js'

const INSTALLED = Symbol.for('wxauth.test.leak-hooks')
const WATCHED = Symbol('watched')

/** The scanner never breaks what it watches. */
function quietly(scan: () => void): void {
  try {
    scan()
  } catch {}
}

function installConsole(): void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const
  for (const method of methods) {
    const original = console[method] as (...args: unknown[]) => void
    if (typeof original !== 'function') continue
    console[method] = function (this: unknown, ...args: unknown[]) {
      const sandboxed = isDiverted()
      quietly(() =>
        captureText(
          `console.${method}`,
          'the worker',
          formatWithOptions({ depth: 12, maxStringLength: Number.POSITIVE_INFINITY }, ...args),
        ),
      )
      // A leak planted by a test of the check is not printed.
      if (!sandboxed) return original.apply(this, args)
    } as never
  }
}

function installStreams(): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name]
    const original = stream.write
    const scan = captureStream(name, 'the worker')
    stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]) {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) quietly(() => scan(chunk))
      if (isDiverted()) {
        // A leak planted by a test of the check is not printed.
        const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined
        callback?.()
        return true
      }
      return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof stream.write
  }
}

/**
 * Left alone: what `expect()` itself and chains call, and the inline snapshot matchers, which
 * find where to write from the call stack (a wrapper would be the caller).
 */
const skipped = new Set([
  'constructor',
  'assert',
  'withTest',
  'withContext',
  'toMatchInlineSnapshot',
  'toThrowErrorMatchingInlineSnapshot',
])

const throwMatchers = new Set([
  'toThrow',
  'toThrowError',
  'throw',
  'throws',
  'Throw',
  'toThrowErrorMatchingSnapshot',
])

/**
 * Every matcher first scans its subject when it is an error: `expect(error).toMatchObject(…)`,
 * `expect(p).rejects.toThrow(…)` (the rejection is the subject by then). For `toThrow` on a
 * function, the function is wrapped so that what it throws is scanned before the matcher sees it.
 */
function installAssertions(): void {
  // Matchers call matchers (`toThrow` calls `throws`): only the outermost one scans.
  let depth = 0
  chai.use((api, utils) => {
    const proto = api.Assertion.prototype as unknown as Record<string, unknown>
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (skipped.has(name) || name.startsWith('_')) continue
      const descriptor = Object.getOwnPropertyDescriptor(proto, name)
      if (typeof descriptor?.value !== 'function') continue
      utils.overwriteMethod(proto, name, (original: (...args: unknown[]) => unknown) => {
        return function (this: object, ...args: unknown[]) {
          const subject = utils.flag(this, 'object') as unknown
          const promise = utils.flag(this, 'promise') as unknown
          if (depth > 0) {
            // Inside another matcher, which scanned already.
          } else if (subject instanceof Error) {
            quietly(() => captureError('error', `expect(error).${name}()`, subject))
          } else if (
            typeof subject === 'function' &&
            promise === undefined &&
            throwMatchers.has(name) &&
            !(subject as { [WATCHED]?: true })[WATCHED]
          ) {
            const watched = Object.assign(
              function (this: unknown, ...callArgs: unknown[]) {
                try {
                  return (subject as (...a: unknown[]) => unknown).apply(this, callArgs)
                } catch (error) {
                  quietly(() => captureError('error', `expect(fn).${name}()`, error))
                  throw error
                }
              },
              { [WATCHED]: true as const },
            )
            utils.flag(this, 'object', watched)
          }
          depth++
          try {
            return original.apply(this, args)
          } finally {
            depth--
          }
        }
      })
    }
  })
}

const global = globalThis as { [INSTALLED]?: true }
if (!global[INSTALLED]) {
  global[INSTALLED] = true
  installConsole()
  installStreams()
  installAssertions()
}

const file = () => expect.getState().testPath ?? ''

function relative(path: string): string {
  const at = path.lastIndexOf('/test/')
  return at === -1 ? path : path.slice(at + 1)
}

beforeEach((context) => {
  const names: string[] = []
  // The test's name and its describe blocks' (the file's own suite has a `filepath`).
  for (let task: { name: string; suite?: unknown } | undefined = context.task; task; ) {
    if (!('filepath' in task)) names.unshift(task.name)
    task = task.suite as typeof task
  }
  setWhere({ file: relative(file()), test: names.join(' › ') })
})

/** Fails the test (`inTests`: what it leaked) or the file (the rest) in which a canary showed. */
async function check(inTests: boolean): Promise<void> {
  await settleCaptures()
  const findings = takeFindings(inTests)
  setWhere({ file: relative(file()), test: '' })
  if (findings.length > 0) throw new Error(describeFindings(findings))
}

setWhere({ file: relative(file()), test: '' })

// Registered before the file's own hooks, so they run after them ("stack" order): what the
// file's cleanup prints is checked too.
afterEach(() => check(true))
afterAll(() => check(false))
