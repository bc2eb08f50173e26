/**
 * How often each OAuth code was presented for exchange, reported as counts only: the request log
 * redacts codes, and this is how a test proves that no code was exchanged twice.
 */
import type { EndpointName } from './endpoints.js'

/** How codes were presented for exchange (counts only, never a code). */
export interface CodeUsage {
  /**
   * Requests to a code exchange endpoint that carried a code and were processed, answered or not.
   * A fault that replaces the answer (`errcode -1`: WeChat did not process it) leaves the code
   * unused and is not counted.
   */
  exchanges: number
  /** Distinct codes among them. */
  codes: number
  /**
   * Requests that presented a code already presented before: a second exchange of the same code
   * (after a lost answer, a retry, a replayed callback), whatever the first one was answered.
   */
  repeats: number
}

/** The endpoints that redeem an OAuth `code`. */
export const codeExchangeEndpoints: ReadonlySet<EndpointName> = new Set([
  'sns/oauth2/access_token',
  'sns/oauth2/component/access_token',
])

/** Most codes remembered; the oldest are forgotten first (codes live 5 minutes anyway). */
const maxCodes = 100_000

/** Counts code presentations. */
export class CodeUsageCounter {
  #seen = new Set<string>()
  #exchanges = 0
  #repeats = 0
  #distinct = 0

  /** Records one exchange request carrying `code` (ignored when absent). */
  note(code: string | null): void {
    if (!code) return
    this.#exchanges++
    if (this.#seen.has(code)) {
      this.#repeats++
      return
    }
    this.#distinct++
    this.#seen.add(code)
    if (this.#seen.size > maxCodes) {
      const oldest = this.#seen.values().next().value
      if (oldest !== undefined) this.#seen.delete(oldest)
    }
  }

  report(): CodeUsage {
    return { exchanges: this.#exchanges, codes: this.#distinct, repeats: this.#repeats }
  }

  clear(): void {
    this.#seen = new Set()
    this.#exchanges = 0
    this.#repeats = 0
    this.#distinct = 0
  }
}
