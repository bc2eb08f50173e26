/**
 * The emulator as every test gets it: `src/emulator` with the test canary in every code, token
 * and session_key it issues and in the secrets of its default apps, so that the leak check
 * recognises each of them anywhere (issue 7, item 4). Tests import `createEmulator` and the default
 * apps from here, never from `src/emulator` (`test/secrets/coverage.test.ts` checks it); what each
 * emulator made here shows anyone (its request log, state and home page) is scanned too.
 *
 * It also lets a redirect_uri on localhost carry a port (`allowLocalPorts: true`), as `wxauth dev`
 * does: the tests' apps run on `localhost:3000` or on a free port, where WeChat itself would
 * answer 10003.
 *
 * A test that needs an emulator without the canary says so: `createEmulator({ canary: undefined })`;
 * one of WeChat's own port rule likewise: `createEmulator({ allowLocalPorts: undefined })`.
 */

import type { AppConfig, Emulator, EmulatorOptions } from '../../src/emulator/index.js'
import * as emulators from '../../src/emulator/index.js'
import { CANARY } from './canary.js'
import { captureValue, watchEmulator } from './capture.js'

export * from '../../src/emulator/index.js'

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype

/** What the tests' emulators have unless a test's options name it (even as undefined). */
const testDefaults: EmulatorOptions = { canary: CANARY, allowLocalPorts: true }

/**
 * `createEmulator` of `src/emulator` with `canary: CANARY` and `allowLocalPorts: true` unless the
 * options say otherwise. Options that are not an object are passed on as they are, for the tests
 * of their validation.
 */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  let withDefaults = options
  if (isPlainObject(options)) {
    withDefaults = { ...options }
    for (const [key, value] of Object.entries(testDefaults)) {
      if (!Object.hasOwn(options, key)) Object.assign(withDefaults, { [key]: value })
    }
  }
  const emulator = emulators.createEmulator(withDefaults)
  watchEmulator(emulator)
  watchRequestLog(emulator)
  return emulator
}

/**
 * The request log holds the last 500 requests and `reset()` clears it: it is scanned before a
 * reset and every 400 in-process calls, so that no entry leaves it unseen (the audit after the
 * test scans the rest). The calls themselves go through untouched.
 */
function watchRequestLog(emulator: Emulator): void {
  let calls = 0
  const scan = () => {
    calls = 0
    captureValue('emulator request log', 'emulator.requests', emulator.requests)
  }
  const { fetch, handle, reset } = emulator
  emulator.fetch = (input, init) => {
    if (++calls >= 400) scan()
    return fetch(input, init)
  }
  emulator.handle = (request) => {
    if (++calls >= 400) scan()
    return handle(request)
  }
  emulator.reset = () => {
    scan()
    reset()
  }
}

// The secrets the emulator itself gives its default apps under the canary.
const secrets = new Map(
  emulators.createEmulator({ canary: CANARY }).apps.map((app) => [app.appId, app.secret]),
)

function withCanarySecret(app: Readonly<AppConfig>): Readonly<AppConfig> {
  const secret = secrets.get(app.appId)
  if (secret === undefined || !secret.includes(CANARY))
    throw new Error(`no canary for ${app.appId}`)
  return Object.freeze({ ...app, secret })
}

/** The default official account, as the tests' emulators have it (its secret carries the canary). */
export const defaultOfficialAccount = withCanarySecret(emulators.defaultOfficialAccount)
/** The default website app, as the tests' emulators have it. */
export const defaultWebsiteApp = withCanarySecret(emulators.defaultWebsiteApp)
/** The default mini program, as the tests' emulators have it. */
export const defaultMiniProgram = withCanarySecret(emulators.defaultMiniProgram)
/** The default third-party platform, as the tests' emulators have it. */
export const defaultComponent = withCanarySecret(emulators.defaultComponent)
/** The default apps, in the library's order, as the tests' emulators have them. */
export const defaultApps: readonly AppConfig[] = Object.freeze(
  emulators.defaultApps.map(
    (app) =>
      [defaultOfficialAccount, defaultWebsiteApp, defaultMiniProgram, defaultComponent].find(
        (a) => a.appId === app.appId,
      ) as AppConfig,
  ),
)
