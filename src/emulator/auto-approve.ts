/**
 * Auto-approve: the emulator answers authorize and qrconnect at once, as a script says, for the
 * next request only unless told otherwise, so that one test's script never answers the next's.
 */
import { EmulatorConfigError } from './config.js'

/** How the script answers: who approves, whether they allow, and for how many requests. */
export interface AutoApproval {
  user: string
  decision: 'allow' | 'deny'
  /** Requests it still answers; absent when `keep` is set. */
  remaining?: number
  /** Answers every request until turned off or reset. */
  keep?: true
}

/** Options of `autoApprove`. */
export interface AutoApproveOptions {
  /** Default `allow`. */
  decision?: 'allow' | 'deny'
  /** How many authorize or qrconnect requests it answers (default 1), then it is off. */
  times?: number
  /** Answer every request until `autoApprove(null)` or `reset()`. Not with `times`. */
  keep?: boolean
}

/** Most requests one script may answer by count (`keep` has no limit). */
export const maxAutoApproveTimes = 10_000

const bad = (message: string): never => {
  throw new EmulatorConfigError(message)
}

/** The current script, if any. */
export class AutoApprover {
  #current: AutoApproval | undefined

  /**
   * Sets the script (null turns it off).
   * @throws {@link EmulatorConfigError} naming a bad option.
   */
  set(user: string | null, opts: AutoApproveOptions): void {
    if (user === null) {
      this.#current = undefined
      return
    }
    const decision = opts.decision ?? 'allow'
    if (decision !== 'allow' && decision !== 'deny') bad('"decision" must be allow or deny')
    if (opts.keep !== undefined && typeof opts.keep !== 'boolean') bad('"keep" must be a boolean')
    const { times } = opts
    if (times !== undefined) {
      if (opts.keep) bad('"times" and "keep" do not go together: keep has no count')
      if (!Number.isInteger(times) || times < 1 || times > maxAutoApproveTimes) {
        bad(`"times" must be an integer from 1 to ${maxAutoApproveTimes}`)
      }
    }
    this.#current = opts.keep
      ? { user, decision, keep: true }
      : { user, decision, remaining: times ?? 1 }
  }

  /** The script as it stands, without using it up. */
  peek(): AutoApproval | undefined {
    return this.#current && { ...this.#current }
  }

  /** The script for one request, counted; off once its count is used up. */
  take(): AutoApproval | undefined {
    const current = this.#current
    if (!current) return undefined
    if (current.remaining !== undefined) {
      current.remaining -= 1
      if (current.remaining <= 0) this.#current = undefined
    }
    return current
  }

  clear(): void {
    this.#current = undefined
  }
}
