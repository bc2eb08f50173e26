/** The emulator's clock: a wall clock plus an offset that tests move forward. */
import { EmulatorConfigError } from './config.js'

/** Read and advance emulator time. */
export interface EmulatorClock {
  /** Current emulator time in milliseconds. */
  now(): number
  /** Moves emulator time forward by `seconds`. */
  advance(seconds: number): void
}

/** A clock with a resettable offset over `base`. */
export class OffsetClock implements EmulatorClock {
  #offset = 0
  readonly #base: () => number

  constructor(base: () => number = Date.now) {
    this.#base = base
  }

  now(): number {
    return this.#base() + this.#offset
  }

  advance(seconds: number): void {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw new EmulatorConfigError('"advance" must be a finite number of seconds ≥ 0')
    }
    this.#offset += seconds * 1000
  }

  /** Drops the accumulated offset. */
  reset(): void {
    this.#offset = 0
  }
}
