/**
 * Chaos mode: a seeded share of the calls to chosen endpoints gets a fault of a chosen kind, for
 * tests that run many logins through an unreliable WeChat. Scripted faults (`fail`) come first.
 */
import { randomInt } from 'node:crypto'
import { EmulatorConfigError } from './config.js'
import { type EndpointName, endpointNames, isEndpointName, isPageEndpoint } from './endpoints.js'
import { type Fault, parseFault } from './faults.js'
import { mulberry32 } from './prng.js'

/**
 * The kinds of fault chaos mode injects:
 * - `systemBusy`: `{"errcode":-1}` instead of the answer (the request is not processed);
 * - `serverError`: HTTP 500, 502 or 503 on the processed answer (a code is consumed);
 * - `timeout`: no answer for `timeoutDelay` ms, longer than a client waits;
 * - `drop`: the connection is dropped after the request was processed;
 * - `truncate`: the processed answer's body cut in half;
 * - `nonJson`: a proxy's HTML 502 page instead of the processed answer;
 * - `textPlain`: the valid answer with `Content-Type: text/plain`.
 */
export const chaosFaultKinds = [
  'systemBusy',
  'serverError',
  'timeout',
  'drop',
  'truncate',
  'nonJson',
  'textPlain',
] as const

/** One of {@link chaosFaultKinds}. */
export type ChaosFaultKind = (typeof chaosFaultKinds)[number]

/** Options of chaos mode (`emulator.chaos(options)`, `POST /__emulator/chaos`). */
export interface ChaosOptions {
  /** Share of the calls that get a fault, from 0 to 1 (0.2: one call in five, on average). */
  rate: number
  /**
   * Seed of the generator that decides which calls fail and how: the same seed and the same
   * sequence of calls give the same faults. Default: a random seed, shown in the settings.
   */
  seed?: number
  /** Endpoints whose calls may fail. Default: every JSON API endpoint (not the authorize pages). */
  endpoints?: readonly EndpointName[]
  /** What to inject, picked with equal chance: kinds, or faults of your own. Default: every kind. */
  faults?: readonly (ChaosFaultKind | Fault)[]
  /** How long a `timeout` fault holds the answer, in ms. Default 10000 (the client waits 5000). */
  timeoutDelay?: number
}

/** Chaos mode as running: the options with their defaults applied. */
export interface ChaosSettings {
  /** Share of the calls that get a fault, 0-1. */
  rate: number
  /** The generator's seed: start again with it to replay the same faults. */
  seed: number
  /** Endpoints whose calls may fail. */
  endpoints: EndpointName[]
  /** What is injected, picked with equal chance. */
  faults: (ChaosFaultKind | Fault)[]
  /** How long a `timeout` fault holds the answer, in ms. */
  timeoutDelay: number
}

/**
 * What chaos mode injected since it was last started (kept after it stops, until the next start or
 * a reset). Kinds are counted by name; a fault of your own by its place in `faults`, as `custom:2`.
 */
export interface ChaosReport {
  /** Calls of the chosen endpoints while chaos mode was on. */
  calls: number
  /** Faults injected. */
  injected: number
  /** Faults injected, by kind. */
  byKind: Record<string, number>
  /** Faults injected, by endpoint, then by kind. */
  byEndpoint: Partial<Record<EndpointName, Record<string, number>>>
}

const optionKeys = ['rate', 'seed', 'endpoints', 'faults', 'timeoutDelay'] as const
const maxFaults = 100
const serverErrors = [500, 502, 503] as const

/** The JSON API endpoints: chaos mode's default targets. */
const apiEndpoints = endpointNames.filter((name) => !isPageEndpoint(name))

function isKind(value: unknown): value is ChaosFaultKind {
  return typeof value === 'string' && (chaosFaultKinds as readonly string[]).includes(value)
}

/** Validates chaos options and applies defaults; the message names the offending field. */
export function parseChaosOptions(value: unknown, path = 'chaos'): ChaosSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulatorConfigError(`"${path}" must be an object, or null to stop chaos mode`)
  }
  const o = value as Record<string, unknown>
  const bad = (key: string, rule: string): never => {
    throw new EmulatorConfigError(`"${path}.${key}" ${rule}`)
  }
  for (const key of Object.keys(o)) {
    if (!(optionKeys as readonly string[]).includes(key)) {
      bad(key, `is not a chaos option (one of ${optionKeys.join(', ')})`)
    }
  }
  const { rate, seed, endpoints, faults, timeoutDelay } = o
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) bad('rate', 'must be a number 0-1')
  if (
    seed !== undefined &&
    (!Number.isInteger(seed) || (seed as number) < 0 || (seed as number) >= 2 ** 32)
  ) {
    bad('seed', 'must be an integer 0-4294967295')
  }
  let chosen: EndpointName[] = [...apiEndpoints]
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints) || endpoints.length === 0) {
      bad('endpoints', 'must be a non-empty list of endpoint names')
    }
    chosen = []
    for (const [i, name] of (endpoints as unknown[]).entries()) {
      if (!isEndpointName(name))
        bad(`endpoints[${i}]`, `is not an endpoint: ${JSON.stringify(name)}`)
      if (!chosen.includes(name as EndpointName)) chosen.push(name as EndpointName)
    }
  }
  let picked: (ChaosFaultKind | Fault)[] = [...chaosFaultKinds]
  if (faults !== undefined) {
    if (!Array.isArray(faults) || faults.length === 0 || faults.length > maxFaults) {
      bad('faults', `must be a list of 1-${maxFaults} fault kinds or faults`)
    }
    picked = (faults as unknown[]).map((f, i) => {
      if (typeof f === 'string') {
        if (!isKind(f))
          bad(`faults[${i}]`, `is not a fault kind (one of ${chaosFaultKinds.join(', ')})`)
        return f as ChaosFaultKind
      }
      return parseFault(f, `${path}.faults[${i}]`)
    })
  }
  if (
    timeoutDelay !== undefined &&
    (typeof timeoutDelay !== 'number' || !(timeoutDelay >= 1 && timeoutDelay <= 600_000))
  ) {
    bad('timeoutDelay', 'must be 1-600000 ms')
  }
  return {
    rate: rate as number,
    seed: (seed as number | undefined) ?? randomInt(0, 2 ** 32),
    endpoints: chosen,
    faults: picked,
    timeoutDelay: (timeoutDelay as number | undefined) ?? 10_000,
  }
}

/** A fault chaos mode chose for one call, and the name it is counted under. */
export interface ChaosPick {
  fault: Fault
  kind: string
}

function emptyReport(): ChaosReport {
  return { calls: 0, injected: 0, byKind: {}, byEndpoint: {} }
}

/** Chaos mode's state: the settings while on, the generator, and the report. */
export class Chaos {
  #settings: ChaosSettings | undefined
  #random: () => number = mulberry32(0)
  #report = emptyReport()

  /** Starts (or restarts) chaos mode with a fresh generator and an empty report. */
  start(settings: ChaosSettings): void {
    this.#settings = settings
    this.#random = mulberry32(settings.seed)
    this.#report = emptyReport()
  }

  /** Stops injecting; the report stays readable. */
  stop(): void {
    this.#settings = undefined
  }

  /** The settings while on, else undefined. */
  settings(): ChaosSettings | undefined {
    const s = this.#settings
    return s && { ...s, endpoints: [...s.endpoints], faults: [...s.faults] }
  }

  report(): ChaosReport {
    const r = this.#report
    const byEndpoint: ChaosReport['byEndpoint'] = {}
    for (const [name, counts] of Object.entries(r.byEndpoint)) {
      byEndpoint[name as EndpointName] = { ...counts }
    }
    return { calls: r.calls, injected: r.injected, byKind: { ...r.byKind }, byEndpoint }
  }

  /**
   * Decides about one call of `endpoint`: a fault, or undefined. Every call of a chosen endpoint
   * draws from the generator, so the decisions depend only on the seed and the order of calls.
   */
  pick(endpoint: EndpointName): ChaosPick | undefined {
    const s = this.#settings
    if (!s?.endpoints.includes(endpoint)) return undefined
    this.#report.calls++
    if (!(this.#random() < s.rate)) return undefined
    const index = Math.floor(this.#random() * s.faults.length)
    const choice = s.faults[index] as ChaosFaultKind | Fault
    const pick =
      typeof choice === 'string'
        ? { fault: this.#faultOf(choice, s), kind: choice }
        : { fault: choice, kind: `custom:${index}` }
    const r = this.#report
    r.injected++
    r.byKind[pick.kind] = (r.byKind[pick.kind] ?? 0) + 1
    const counts = r.byEndpoint[endpoint] ?? {}
    counts[pick.kind] = (counts[pick.kind] ?? 0) + 1
    r.byEndpoint[endpoint] = counts
    return pick
  }

  #faultOf(kind: ChaosFaultKind, s: ChaosSettings): Fault {
    switch (kind) {
      case 'systemBusy':
        return { errcode: -1 }
      case 'serverError':
        return { status: serverErrors[Math.floor(this.#random() * serverErrors.length)] as number }
      case 'timeout':
        return { delay: s.timeoutDelay }
      case 'drop':
        return { drop: true }
      case 'truncate':
        return { truncate: true }
      case 'nonJson':
        return { nonJson: true }
      case 'textPlain':
        return { contentType: 'text/plain' }
    }
  }

  /** Stops and forgets the report. */
  clear(): void {
    this.#settings = undefined
    this.#report = emptyReport()
  }
}
